"""Shared helpers: paths, checkpoints, ONNX export, model cards, fixtures."""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
import time

import numpy as np

ZOO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../models
REPO = os.environ.get("NEUROPIPE_ZOO_REPO", os.path.join(ZOO, "repository"))
CACHE = os.environ.get("NEUROPIPE_ZOO_CACHE", "/root/.cache/neuropipe-zoo")
E_DIM = 128
MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]


def data_dir(seed=0):
    return os.path.join(ZOO, ".data", f"neuroshapes-seed{seed}")


def ensure_data(seed=0):
    d = data_dir(seed)
    if not os.path.exists(os.path.join(d, "meta.json")):
        from . import neuroshapes
        neuroshapes.generate(d, seed)
    return d


def ckpt_path(name):
    os.makedirs(CACHE, exist_ok=True)
    return os.path.join(CACHE, f"{name}.pt")


def setup_torch(threads=1):
    import torch
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    return torch


def normalise_images(imgs_u8):
    """uint8 [N,32,32,3] -> float32 [N,3,32,32] normalised with MEAN/STD (the Java preprocessing)."""
    x = imgs_u8.astype(np.float32) / 255.0
    x = (x - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def log_to(path):
    fh = open(path, "a", buffering=1)

    def log(*a):
        s = " ".join(str(x) for x in a)
        line = f"[{datetime.datetime.utcnow().strftime('%H:%M:%S')}] {s}"
        print(line, flush=True)
        fh.write(line + "\n")
    return log


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for b in iter(lambda: fh.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


ORT_DT = {"tensor(float)": "FP32", "tensor(int64)": "INT64", "tensor(int32)": "INT32",
          "tensor(bool)": "BOOL", "tensor(uint8)": "UINT8", "tensor(float16)": "FP16"}
NP_DT = {"FP32": np.float32, "INT64": np.int64, "INT32": np.int32, "BOOL": np.bool_, "UINT8": np.uint8}


def export_onnx(module, args, path, input_names, output_names, dynamic_axes):
    import torch
    os.makedirs(os.path.dirname(path), exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=17, dynamo=False, do_constant_folding=True)
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    # single file (no external data)
    assert not any(t.HasField("data_location") and t.data_location == 1 for t in m.graph.initializer)
    return path


def ort_session(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def io_spec(path, roles, shapes):
    """Build the inputs/outputs sections of the card from the graph, with roles and symbolic shapes."""
    sess = ort_session(path)
    ins, outs = [], []
    for i in sess.get_inputs():
        ins.append({"name": i.name, "role": roles.get(i.name, i.name), "dtype": ORT_DT[i.type],
                    "shape": shapes[i.name]})
    for o in sess.get_outputs():
        outs.append({"name": o.name, "role": roles.get(o.name, o.name), "dtype": ORT_DT[o.type],
                     "shape": shapes[o.name]})
    return ins, outs


def write_fixture(path_dir, inputs: dict, max_kb=200):
    """Runs onnxruntime on `inputs` (name -> np array) and writes fixture.json."""
    sess = ort_session(os.path.join(path_dir, "model.onnx"))
    names = [o.name for o in sess.get_outputs()]
    # FP32 inputs are rounded to 4 decimals BEFORE the run (so the JSON decimals parse to exactly the
    # float32 values that produced the outputs); outputs are written with 6 decimals (abs error <= 5e-7).
    inputs = {k: (np.round(np.asarray(v, np.float64), 4).astype(np.float32) if np.asarray(v).dtype == np.float32 else np.asarray(v))
              for k, v in inputs.items()}
    outs = sess.run(names, inputs)

    def enc(a, decimals):
        a = np.asarray(a)
        dt = {np.dtype(np.float32): "FP32", np.dtype(np.int64): "INT64", np.dtype(np.int32): "INT32",
              np.dtype(np.bool_): "BOOL", np.dtype(np.uint8): "UINT8"}[a.dtype]
        data = a.reshape(-1).tolist()
        if dt == "FP32":
            data = [round(float(v), decimals) for v in data]
        return {"dtype": dt, "shape": list(a.shape), "data": data}
    fx = {"inputs": {k: enc(v, 4) for k, v in inputs.items()}, "outputs": {k: enc(v, 6) for k, v in zip(names, outs)},
          "tolerance": 1e-4}
    p = os.path.join(path_dir, "fixture.json")
    with open(p, "w") as fh:
        json.dump(fx, fh, separators=(",", ":"))
    kb = os.path.getsize(p) / 1024
    if kb > max_kb:
        print(f"WARNING: fixture {p} is {kb:.0f} KB", file=sys.stderr)
    return dict(zip(names, outs))


def write_card(name, version, description, roles, shapes, preprocessing, labels, provenance, evaluation,
               trained=True, max_batch_size=64, extra=None):
    import yaml
    d = os.path.join(REPO, name, str(version))
    path = os.path.join(d, "model.onnx")
    ins, outs = io_spec(path, roles, shapes)
    card = {"name": name, "version": version, "trained": trained, "description": description,
            "framework": "onnx", "opset": 17, "max_batch_size": max_batch_size, "sha256": sha256(path),
            "inputs": ins, "outputs": outs, "preprocessing": preprocessing or {}, "labels": labels or {},
            "provenance": provenance, "evaluation": evaluation or {}}
    if extra:
        card.update(extra)
    with open(os.path.join(d, "model.yaml"), "w") as fh:
        yaml.safe_dump(card, fh, sort_keys=False, default_flow_style=None, width=120)
    return card


def update_evaluation(name, version, evaluation: dict):
    import yaml
    p = os.path.join(REPO, name, str(version), "model.yaml")
    with open(p) as fh:
        card = yaml.safe_load(fh)
    card.setdefault("evaluation", {}).update(evaluation)
    with open(p, "w") as fh:
        yaml.safe_dump(card, fh, sort_keys=False, default_flow_style=None, width=120)


def provenance(script, command, seed, wall, data="neuroshapes seed 0 (models/.data/neuroshapes-seed0)", **kw):
    p = {"script": f"models/neuropipe_zoo/{script}", "command": command, "seed": seed, "data": data,
         "trained_at": datetime.datetime.utcnow().replace(microsecond=0).isoformat() + "Z",
         "wall_seconds": int(wall)}
    p.update(kw)
    return p


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def __call__(self):
        return time.time() - self.t0
