"""Graph surgery on committed exports (no training, no torch): lm-tree-medusa/1 = lm-tree/1 with the Medusa heads of
medusa-heads/1 applied to every position's last hidden state, so speculative decoding gets the next draft from the
verification pass itself instead of a second ONNX Runtime call per step.

    python -m neuropipe_zoo.fuse medusa
"""
from __future__ import annotations

import argparse
import json
import os
import shutil

import numpy as np
import yaml

from . import common as C

PREFIX = "medusa/"


def fuse_medusa(tree_dir, heads_dir, out_dir):
    import onnx
    from onnx import TensorProto, helper

    tree = onnx.load(os.path.join(tree_dir, "model.onnx"))
    heads = onnx.load(os.path.join(heads_dir, "model.onnx"))
    g = tree.graph
    heads_card = yaml.safe_load(open(os.path.join(heads_dir, "model.yaml")))
    k = int(heads_card["preprocessing"]["num_heads"])
    vocab = int(heads_card["outputs"][0]["shape"][-1])
    hidden = int(heads_card["inputs"][0]["shape"][-1])

    def rename(name):
        return name if name == "" else PREFIX + name

    # [B, S, D] -> [B * S, D] (the heads graph works on rows), heads, then [B * S, K, V] -> [B, S, K, V]
    g.initializer.extend([
        helper.make_tensor(PREFIX + "rows_shape", TensorProto.INT64, [2], [-1, hidden]),
        helper.make_tensor(PREFIX + "kv_shape", TensorProto.INT64, [2], [k, vocab]),
        helper.make_tensor(PREFIX + "bs_start", TensorProto.INT64, [1], [0]),
        helper.make_tensor(PREFIX + "bs_end", TensorProto.INT64, [1], [2]),
    ])
    g.node.extend([
        helper.make_node("Reshape", ["last_hidden_state", PREFIX + "rows_shape"], [PREFIX + "hidden_states"], name=PREFIX + "rows"),
    ])
    for init in heads.graph.initializer:
        init.name = rename(init.name)
        g.initializer.append(init)
    for node in heads.graph.node:
        node.name = rename(node.name or node.output[0])
        for i, name in enumerate(node.input):
            node.input[i] = rename(name)
        for i, name in enumerate(node.output):
            node.output[i] = rename(name)
        g.node.append(node)
    g.node.extend([
        helper.make_node("Shape", ["last_hidden_state"], [PREFIX + "hidden_shape"], name=PREFIX + "hidden_shape"),
        helper.make_node("Slice", [PREFIX + "hidden_shape", PREFIX + "bs_start", PREFIX + "bs_end"], [PREFIX + "bs"],
                         name=PREFIX + "bs"),
        helper.make_node("Concat", [PREFIX + "bs", PREFIX + "kv_shape"], [PREFIX + "out_shape"], axis=0, name=PREFIX + "out_shape"),
        helper.make_node("Reshape", [PREFIX + "medusa_logits", PREFIX + "out_shape"], ["medusa_logits"], name=PREFIX + "unrows"),
    ])
    g.output.append(helper.make_tensor_value_info("medusa_logits", TensorProto.FLOAT, ["B", "S", k, vocab]))
    onnx.checker.check_model(tree)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(tree, os.path.join(out_dir, "model.onnx"))
    return k, vocab


def check_equivalence(tree_dir, heads_dir, out_dir, inputs):
    """The fused graph's outputs equal lm-tree's, and its medusa_logits equal medusa-heads on each position."""
    fused = C.ort_session(os.path.join(out_dir, "model.onnx")).run(None, inputs)
    plain = C.ort_session(os.path.join(tree_dir, "model.onnx")).run(None, inputs)
    for a, b in zip(fused, plain):
        assert np.array_equal(a, b), "the fused graph changed an lm-tree output"
    hidden = plain[1]
    b, s, d = hidden.shape
    heads = C.ort_session(os.path.join(heads_dir, "model.onnx")).run(None, {"hidden_states": hidden.reshape(b * s, d)})[0]
    diff = float(np.abs(fused[-1] - heads.reshape(b, s, *heads.shape[1:])).max())
    assert diff < 1e-5, diff
    return diff


def medusa():
    tree_dir = os.path.join(C.REPO, "lm-tree", "1")
    heads_dir = os.path.join(C.REPO, "medusa-heads", "1")
    out_dir = os.path.join(C.REPO, "lm-tree-medusa", "1")
    k, vocab = fuse_medusa(tree_dir, heads_dir, out_dir)
    shutil.copy(os.path.join(tree_dir, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
    fixture = json.load(open(os.path.join(tree_dir, "fixture.json")))
    inputs = {name: np.asarray(v["data"], C.NP_DT[v["dtype"]]).reshape(v["shape"]) for name, v in fixture["inputs"].items()}
    C.write_fixture(out_dir, inputs)
    diff = check_equivalence(tree_dir, heads_dir, out_dir, inputs)
    tree_card = yaml.safe_load(open(os.path.join(tree_dir, "model.yaml")))
    heads_card = yaml.safe_load(open(os.path.join(heads_dir, "model.yaml")))
    shapes = {io["name"]: io["shape"] for io in tree_card["inputs"] + tree_card["outputs"]}
    shapes["medusa_logits"] = [-1, -1, k, vocab]
    roles = {name: name for name in shapes}
    pre = dict(tree_card["preprocessing"])
    pre.update({"medusa_heads": k, "medusa_logits": "[B, S, heads, vocab]: head j at position s predicts the token j + 2 "
                "after it (medusa-heads/1 on last_hidden_state)"})
    prov = dict(tree_card["provenance"])
    prov.update({"fused_from": ["lm-tree/1 sha256 " + tree_card["sha256"], "medusa-heads/1 sha256 " + heads_card["sha256"]],
                 "fuse_command": "python -m neuropipe_zoo.fuse medusa", "fuse_script": "models/neuropipe_zoo/fuse.py"})
    C.write_card("lm-tree-medusa", 1, "lm-tree/1 with medusa-heads/1 fused: tree-attention verification that also returns "
                 "every position's Medusa draft logits (one ONNX Runtime call per speculative step)",
                 roles, shapes, pre, {}, prov, {"max_abs_diff_medusa_logits_vs_medusa_heads": diff,
                                                "outputs_of_lm_tree": "bit-identical"})
    print("exported lm-tree-medusa/1; medusa_logits max |diff| vs medusa-heads:", diff)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["medusa"])
    ap.parse_args()
    medusa()
