"""Reference images for the Java DDIM sampler, made by the zoo's own `ddim_sample` over the exported ONNX halves.

The initial noise is passed in explicitly (torch.randn is replaced while ddim_sample runs), so the Java test
feeds the same z_T instead of relying on two RNGs agreeing.

  cd <repo root> && PYTHONPATH=models .venv/bin/python services/image-generator/src/test/python/make_reference.py \
      [--repository models/repository] [--out services/image-generator/src/test/resources/reference]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import torch

from neuropipe_zoo import unet


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repository", default="models/repository")
    ap.add_argument("--out", default="services/image-generator/src/test/resources/reference")
    a = ap.parse_args()
    torch.set_num_threads(1)
    enc_path = os.path.join(a.repository, "unet-encoder", "1", "model.onnx")
    dec_path = os.path.join(a.repository, "unet-decoder", "1", "model.onnx")
    enc, dec = unet.OrtHalf(enc_path), unet.OrtHalf(dec_path)
    rng = np.random.default_rng(20261129)
    cond = rng.standard_normal(128).astype(np.float32)
    cond /= np.linalg.norm(cond)
    noise = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    os.makedirs(a.out, exist_ok=True)
    cond.astype("<f4").tofile(os.path.join(a.out, "condition.f32"))
    noise.astype("<f4").tofile(os.path.join(a.out, "noise.f32"))
    real_randn = torch.randn
    cases = []
    for name, steps, propagate in (("off_20", 20, False), ("keysteps_50", 50, True)):
        torch.randn = lambda *args, **kw: torch.from_numpy(noise.copy())
        try:
            x, calls = unet.ddim_sample(enc, dec, torch.from_numpy(cond[None]), steps=steps, guidance=3.0, seed=0,
                                        propagate=propagate)
        finally:
            torch.randn = real_randn
        x.numpy().astype("<f4").tofile(os.path.join(a.out, name + ".f32"))
        cases.append({"name": name, "steps": steps, "guidance": 3.0,
                      "propagation": "keysteps" if propagate else "off", "noise_injection": propagate,
                      "encoder_calls": calls})
        print(name, "encoder calls", calls, "mean", float(x.mean()))
    meta = {"unet_encoder_sha256": sha256(enc_path), "unet_decoder_sha256": sha256(dec_path),
            "made_by": "services/image-generator/src/test/python/make_reference.py (neuropipe_zoo.unet.ddim_sample, ORT)",
            "onnxruntime": __import__("onnxruntime").__version__, "cases": cases}
    with open(os.path.join(a.out, "reference.json"), "w") as f:
        json.dump(meta, f, indent=2)


if __name__ == "__main__":
    main()
