"""Attribute classifier (small CNN): shape / colour / size / position of the primary (first-named) shape.

python -m neuropipe_zoo.classifier train --minutes 3.5 && python -m neuropipe_zoo.classifier export
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import common as C
from . import neuroshapes as ns

HEADS = {"shape": ns.SHAPES, "colour": ns.COLOURS, "size": ns.SIZES, "position": ns.POSITIONS}


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        def blk(a, b):
            return nn.Sequential(nn.Conv2d(a, b, 3, padding=1), nn.BatchNorm2d(b), nn.ReLU(), nn.MaxPool2d(2))
        self.f = nn.Sequential(blk(3, 32), blk(32, 64), blk(64, 96), nn.Flatten(), nn.Linear(96 * 16, 256), nn.ReLU())
        self.heads = nn.ModuleList([nn.Linear(256, len(v)) for v in HEADS.values()])

    def forward(self, pixel_values):
        h = self.f(pixel_values)
        return tuple(hd(h) for hd in self.heads)


def data():
    d = ns.load(C.ensure_data(0))
    ex_path = os.path.join(C.CACHE, "clip_extra_seed11.npz")
    ex = np.load(ex_path)
    _, ex_attrs = ns.make_stimuli(len(ex["images"]), 11, "exclude")
    A = ns.attr_arrays(ex_attrs)
    imgs = np.concatenate([d["train_images"], ex["images"]])
    Y = np.stack([np.concatenate([d["train_attrs"][k], A[k]]) for k in HEADS], 1)
    return imgs, Y, d


def train(minutes, seed=0, bs=64):
    torch = C.setup_torch(1)
    torch.manual_seed(seed)
    imgs, Y, d = data()
    X = torch.from_numpy(C.normalise_images(imgs))
    Yt = torch.from_numpy(Y)
    m = CNN()
    opt = torch.optim.AdamW(m.parameters(), lr=2e-3)
    rng = np.random.default_rng(seed)
    t = C.Timer()
    step = 0
    while t() < minutes * 60:
        m.train()
        j = rng.choice(len(X), bs, replace=False)
        outs = m(X[j])
        loss = sum(F.cross_entropy(o, Yt[j, i]) for i, o in enumerate(outs))
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
        if step % 200 == 0:
            print(f"step {step} loss {loss.item():.4f} {t():.0f}s", flush=True)
    torch.save({"model": m.state_dict(), "step": step, "wall": t()}, C.ckpt_path("classifier"))


def load():
    ck = torch.load(C.ckpt_path("classifier"), map_location="cpu")
    m = CNN(); m.load_state_dict(ck["model"])
    return m.eval(), ck


@torch.no_grad()
def predict(m, imgs_u8):
    out = [[] for _ in HEADS]
    for i in range(0, len(imgs_u8), 256):
        o = m(torch.from_numpy(C.normalise_images(imgs_u8[i:i + 256])))
        for k, v in enumerate(o):
            out[k].append(v.argmax(1).numpy())
    return {k: np.concatenate(out[i]) for i, k in enumerate(HEADS)}


def evaluate(m, d):
    r = {}
    for split in ("val", "test"):
        p = predict(m, d[f"{split}_images"])
        for k in HEADS:
            r[f"{split}_{k}_acc"] = round(float((p[k] == d[f"{split}_attrs"][k]).mean()), 4)
    return r


def export():
    C.setup_torch(1)
    m, ck = load()
    d = ns.load(C.ensure_data(0))
    ev = evaluate(m, d)
    dd = os.path.join(C.REPO, "attribute-classifier", "1")
    x = torch.from_numpy(C.normalise_images(d["test_images"][:2]))
    names = [f"{k}_logits" for k in HEADS]
    C.export_onnx(m, (x,), os.path.join(dd, "model.onnx"), ["pixel_values"], names,
                  {"pixel_values": {0: "B"}, **{n: {0: "B"} for n in names}})
    C.write_fixture(dd, {"pixel_values": x[:1].numpy()})
    C.write_card("attribute-classifier", 1, "Small CNN classifying the primary shape's shape/colour/size/position",
                 {"pixel_values": "pixel_values", **{n: n for n in names}},
                 {"pixel_values": [-1, 3, 32, 32], **{f"{k}_logits": [-1, len(v)] for k, v in HEADS.items()}},
                 {"image_size": 32, "layout": "NCHW", "channel_order": "RGB", "scale": "1/255", "mean": C.MEAN, "std": C.STD},
                 {f"{k}_logits": v for k, v in HEADS.items()},
                 C.provenance("classifier.py", "python -m neuropipe_zoo.classifier train --minutes 3.5 && python -m neuropipe_zoo.classifier export",
                              0, ck["wall"], steps=ck["step"], batch_size=64), ev)
    print(ev)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "export"])
    ap.add_argument("--minutes", type=float, default=3)
    a = ap.parse_args()
    train(a.minutes) if a.cmd == "train" else export()
