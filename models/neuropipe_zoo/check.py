"""Checks every model in models/repository: sha256, graph I/O vs model.yaml, fixture reproduction (1e-4),
total size. python -m neuropipe_zoo.check"""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import yaml

from . import common as C


def main():
    bad = 0
    total = 0
    for name in sorted(os.listdir(C.REPO)):
        for ver in sorted(os.listdir(os.path.join(C.REPO, name))):
            d = os.path.join(C.REPO, name, ver)
            onnx_path = os.path.join(d, "model.onnx")
            with open(os.path.join(d, "model.yaml")) as fh:
                card = yaml.safe_load(fh)
            size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
            total += size
            errs = []
            if card["sha256"] != C.sha256(onnx_path):
                errs.append("sha256 mismatch")
            if card["name"] != name or str(card["version"]) != ver:
                errs.append("name/version mismatch")
            s = C.ort_session(onnx_path)
            gi = [(i.name, C.ORT_DT[i.type]) for i in s.get_inputs()]
            go = [(o.name, C.ORT_DT[o.type]) for o in s.get_outputs()]
            if gi != [(i["name"], i["dtype"]) for i in card["inputs"]]:
                errs.append(f"inputs differ: {gi}")
            if go != [(o["name"], o["dtype"]) for o in card["outputs"]]:
                errs.append(f"outputs differ: {go}")
            with open(os.path.join(d, "fixture.json")) as fh:
                fx = json.load(fh)
            feeds = {k: np.array(v["data"], dtype=C.NP_DT[v["dtype"]]).reshape(v["shape"]) for k, v in fx["inputs"].items()}
            outs = s.run(None, feeds)
            worst = 0.0
            for o, val in zip(s.get_outputs(), outs):
                ref = np.array(fx["outputs"][o.name]["data"], np.float64).reshape(fx["outputs"][o.name]["shape"])
                worst = max(worst, float(np.abs(val - ref).max()) if val.size else 0.0)
            if worst > 1e-4:
                errs.append(f"fixture max abs diff {worst:.2e}")
            print(f"{name}/{ver}: {'OK' if not errs else 'FAIL ' + '; '.join(errs)} (trained={card['trained']}, "
                  f"{size / 1e6:.2f} MB, fixture diff {worst:.1e}, fixture {os.path.getsize(os.path.join(d, 'fixture.json')) // 1024} KB)")
            bad += bool(errs)
    print(f"total repository size {total / 1e6:.1f} MB; {bad} failing")
    return bad


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
