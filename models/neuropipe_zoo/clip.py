"""Tiny ViT image encoder + text encoder trained CLIP-style on NeuroShapes image/caption pairs.

python -m neuropipe_zoo.clip train --minutes 20     (resumable: checkpoint in $CACHE/clip.pt)
python -m neuropipe_zoo.clip export                  (image-encoder/1, text-encoder/1 + cards + fixtures)
"""
from __future__ import annotations

import argparse
import math
import os
import shutil

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import common as C
from . import neuroshapes as ns
from . import text as T

PATCH = 2
GRID = 32 // PATCH
DV = 64
DEPTH = 3
HEADS = 4
MAXLEN = 24


class Attention(nn.Module):
    """Multi-head self-attention written out so the attention probabilities can be returned."""

    def __init__(self, d, h):
        super().__init__()
        self.h, self.hd = h, d // h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x, bias=None):
        B, N, D = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.h, self.hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.hd))
        if bias is not None:
            att = att + bias
        p = att.softmax(-1)
        y = (p @ v).transpose(1, 2).reshape(B, N, D)
        return self.proj(y), p


class Block(nn.Module):
    def __init__(self, d, h, mlp=2):
        super().__init__()
        self.n1 = nn.LayerNorm(d)
        self.att = Attention(d, h)
        self.n2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, mlp * d), nn.GELU(), nn.Linear(mlp * d, d))

    def forward(self, x, bias=None):
        y, p = self.att(self.n1(x), bias)
        x = x + y
        x = x + self.mlp(self.n2(x))
        return x, p


class ViT(nn.Module):
    def __init__(self, d=DV, depth=DEPTH, heads=HEADS):
        super().__init__()
        self.patch = nn.Conv2d(3, d, PATCH, PATCH)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, GRID * GRID + 1, d) * 0.02)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, C.E_DIM)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        p = None
        for b in self.blocks:
            x, p = b(x)
        x = self.norm(x)
        emb = F.normalize(self.head(x[:, 0]), dim=-1)
        return x[:, 1:], p[:, :, 0, 1:], emb


class TextEncoder(nn.Module):
    def __init__(self, vocab, d=64, depth=2, heads=4):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(1, MAXLEN, d) * 0.02)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, C.E_DIM)

    def forward(self, input_ids, attention_mask):
        Tn = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:, :Tn]
        m = attention_mask.to(x.dtype)
        bias = ((1.0 - m) * -1e9)[:, None, None, :]
        for b in self.blocks:
            x, _ = b(x, bias)
        x = self.norm(x)
        pooled = (x * m[..., None]).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
        return F.normalize(self.head(pooled), dim=-1)


class CLIP(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.image = ViT()
        self.text = TextEncoder(vocab)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


def tokenize_batch(tok, texts, maxlen=MAXLEN):
    ids = np.zeros((len(texts), maxlen), np.int64)
    mask = np.zeros((len(texts), maxlen), np.int64)
    for i, t in enumerate(texts):
        e = T.encode(tok, t, bos=True, eos=True)[:maxlen]
        ids[i, :len(e)] = e
        mask[i, :len(e)] = 1
    L = int(mask.sum(1).max())
    return ids[:, :L], mask[:, :L]


def load_model():
    """The training checkpoint if there is one, else the exported image-encoder/1 + text-encoder/1 (ONNX)."""
    if not os.path.exists(C.ckpt_path("clip")):
        return OrtClip(), OrtClip.tokenizer()
    tok = T.load_tokenizer()
    m = CLIP(tok.get_vocab_size())
    ck = torch.load(C.ckpt_path("clip"), map_location="cpu")
    m.load_state_dict(ck["model"])
    m.eval()
    return m, tok


def embeddings_mtime():
    """When the embeddings the other models train on last changed (cached targets older than this are stale)."""
    cp = C.ckpt_path("clip")
    return os.path.getmtime(cp) if os.path.exists(cp) else os.path.getmtime(OrtClip.path("image-encoder"))


class OrtClip:
    """The exported encoders behind CLIP's `image` / `text` call signatures, for when the checkpoint is gone."""

    def __init__(self):
        self.img = C.ort_session(self.path("image-encoder"))
        self.txt = C.ort_session(self.path("text-encoder"))

    @staticmethod
    def path(name, file="model.onnx"):
        return os.path.join(C.REPO, name, "1", file)

    @staticmethod
    def tokenizer():
        from tokenizers import Tokenizer
        return Tokenizer.from_file(OrtClip.path("text-encoder", "tokenizer.json"))

    def image(self, pixel_values):
        out = self.img.run(["patch_tokens", "cls_attention", "image_embedding"],
                           {"pixel_values": pixel_values.numpy().astype(np.float32)})
        return tuple(torch.from_numpy(o) for o in out)

    def text(self, input_ids, attention_mask):
        out = self.txt.run(["text_embedding"], {"input_ids": input_ids.numpy().astype(np.int64),
                                                "attention_mask": attention_mask.numpy().astype(np.int64)})
        return torch.from_numpy(out[0])


@torch.no_grad()
def embed_images(model, imgs_u8, bs=256):
    out_e, out_p = [], []
    for i in range(0, len(imgs_u8), bs):
        x = torch.from_numpy(C.normalise_images(imgs_u8[i:i + bs]))
        p, _, e = model.image(x)
        out_e.append(e.numpy())
    return np.concatenate(out_e)


@torch.no_grad()
def embed_texts(model, tok, texts, bs=512):
    out = []
    for i in range(0, len(texts), bs):
        ids, m = tokenize_batch(tok, texts[i:i + bs])
        out.append(model.text(torch.from_numpy(ids), torch.from_numpy(m)).numpy())
    return np.concatenate(out)


def extra_set():
    """16k extra training-world image/caption pairs (seed 11, held-out concepts excluded), cached."""
    extra_path = os.path.join(C.CACHE, "clip_extra_seed11.npz")
    if not os.path.exists(extra_path):
        im, at = ns.make_stimuli(16000, 11, "exclude")
        np.savez(extra_path, images=im, captions=np.array([a["caption"] for a in at]))
    return np.load(extra_path)


def train(minutes, seed=0, bs=96, lr=2e-3, total_steps=100000):
    torch = C.setup_torch(1)
    torch.manual_seed(seed)
    log = C.log_to(os.path.join(C.CACHE, "clip.log"))
    d = C.ensure_data(0)
    tok = T.load_tokenizer()
    data = ns.load(d)
    ex = extra_set()
    imgs = np.concatenate([data["train_images"], ex["images"]])
    caps = [t["caption"] for t in data["train_text"]] + list(ex["captions"])
    X = C.normalise_images(imgs)
    ids, mask = tokenize_batch(tok, caps)
    model = CLIP(tok.get_vocab_size())
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
    step, wall = 0, 0.0
    cp = C.ckpt_path("clip")
    if os.path.exists(cp):
        ck = torch.load(cp, map_location="cpu")
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"])
        step, wall = ck["step"], ck["wall"]
        log(f"resumed at step {step}")
    rng = np.random.default_rng(seed + step)
    timer = C.Timer()
    last_save = timer()
    n = len(X)
    while wall + timer() < minutes * 60 and step < total_steps:
        idx = rng.choice(n, bs, replace=False)
        prog = min((wall + timer()) / (minutes * 60), 1.0)  # time-based cosine schedule
        lr_now = lr * min(1.0, (step + 1) / 100) * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * prog)))
        for g in opt.param_groups:
            g["lr"] = lr_now
        _, _, ie = model.image(torch.from_numpy(X[idx]))
        te = model.text(torch.from_numpy(ids[idx]), torch.from_numpy(mask[idx]))
        # captions can repeat inside a batch: treat identical captions as positives (soft targets)
        same = torch.from_numpy((ids[idx][:, None, :] == ids[idx][None, :, :]).all(-1).astype(np.float32))
        tgt = same / same.sum(1, keepdim=True)
        logits = model.logit_scale.exp().clamp(max=100) * ie @ te.t()
        loss = 0.5 * (-(tgt * logits.log_softmax(1)).sum(1).mean() - (tgt * logits.t().log_softmax(1)).sum(1).mean())
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0:
            log(f"step {step} loss {loss.item():.4f} scale {model.logit_scale.exp().item():.1f} lr {lr_now:.2e} t {timer():.0f}s")
        if timer() - last_save > 120:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "wall": wall + timer()}, cp)
            last_save = timer()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "wall": wall + timer()}, cp)
    log(f"saved step {step}, wall {wall + timer():.0f}s")


def retrieval(a, b, k=(1, 5)):
    s = a @ b.T
    rank = (s > s[np.arange(len(s)), np.arange(len(s))][:, None]).sum(1)
    return {f"top{kk}": float((rank < kk).mean()) for kk in k}


def evaluate(model, tok, data):
    res = {}
    for split in ("val", "test"):
        ie = embed_images(model, data[f"{split}_images"])
        te = embed_texts(model, tok, [t["caption"] for t in data[f"{split}_text"]])
        n = min(200, len(ie))
        r = retrieval(ie[:n], te[:n])
        res[f"{split}_image_to_caption_{n}way_top1"] = round(r["top1"], 4)
        res[f"{split}_image_to_caption_{n}way_top5"] = round(r["top5"], 4)
        # zero-shot attribute readout: the true caption with the primary shape's attribute swapped for
        # each candidate value; pick the most similar caption
        A = data[f"{split}_attrs"]
        for attr, names in (("colour", ns.COLOURS), ("shape", ns.SHAPES), ("size", ns.SIZES), ("position", ns.POSITIONS)):
            texts = []
            for i in range(len(ie)):
                a = {k: int(v[i]) for k, v in A.items()}
                for j in range(len(names)):
                    b = dict(a, **{attr: j})
                    if attr == "position" and a["n_shapes"] == 2:
                        b["position"] = a["position"] if j not in (0, 2) else j
                    texts.append(ns.caption_of(b))
            tt = embed_texts(model, tok, texts).reshape(len(ie), len(names), -1)
            pred = np.einsum("nd,nkd->nk", ie, tt).argmax(1)
            ok = pred == A[attr]
            if attr == "position":  # single-shape images only (the relation words differ for two shapes)
                ok = ok[A["n_shapes"] == 1]
            res[f"{split}_zeroshot_{attr}_acc"] = round(float(ok.mean()), 4)
    return res


def export(seed=0):
    torch = C.setup_torch(1)
    model, tok = load_model()
    ck = torch.load(C.ckpt_path("clip"), map_location="cpu")
    data = ns.load(C.ensure_data(0))
    ev = evaluate(model, tok, data)
    print(ev)
    # --- image encoder
    d = os.path.join(C.REPO, "image-encoder", "1")
    x = torch.from_numpy(C.normalise_images(data["test_images"][:2]))
    C.export_onnx(model.image, (x,), os.path.join(d, "model.onnx"), ["pixel_values"],
                  ["patch_tokens", "cls_attention", "image_embedding"],
                  {"pixel_values": {0: "B"}, "patch_tokens": {0: "B"}, "cls_attention": {0: "B"}, "image_embedding": {0: "B"}})
    out = C.write_fixture(d, {"pixel_values": x[:1].numpy()})
    with torch.no_grad():
        ref = model.image(torch.from_numpy(np.round(x[:1].numpy().astype(np.float64), 4).astype(np.float32)))
    assert np.abs(out["image_embedding"] - ref[2].numpy()).max() < 1e-4
    N = GRID * GRID
    prov = C.provenance("clip.py", "python -m neuropipe_zoo.clip train --minutes 20 && python -m neuropipe_zoo.clip export",
                        seed, ck["wall"], steps=ck["step"], batch_size=96,
                        objective="symmetric CLIP InfoNCE, learned temperature, image/caption pairs (24k images)")
    C.write_card("image-encoder", 1, "Tiny ViT (patch 2, 16x16 grid, 3 layers, 4 heads, Dv 64) trained CLIP-style with text-encoder/1",
                 {"pixel_values": "pixel_values", "patch_tokens": "patch_tokens", "cls_attention": "cls_attention",
                  "image_embedding": "embedding"},
                 {"pixel_values": [-1, 3, 32, 32], "patch_tokens": [-1, N, DV], "cls_attention": [-1, HEADS, N],
                  "image_embedding": [-1, C.E_DIM]},
                 {"image_size": 32, "layout": "NCHW", "channel_order": "RGB", "scale": "1/255",
                  "mean": C.MEAN, "std": C.STD, "patch": PATCH, "grid": GRID, "num_patches": N, "heads": HEADS,
                  "patch_order": "row-major (index = row*grid + col)",
                  "cls_attention": "last layer softmax over [CLS]+patches, row of CLS, CLS column dropped (rows sum < 1)",
                  "embedding_normalised": True},
                 {}, prov, ev)
    # --- text encoder
    d = os.path.join(C.REPO, "text-encoder", "1")
    ids, m = tokenize_batch(tok, ["a small red circle left of a large blue square", "a large cyan star"])
    C.export_onnx(model.text, (torch.from_numpy(ids), torch.from_numpy(m)), os.path.join(d, "model.onnx"),
                  ["input_ids", "attention_mask"], ["text_embedding"],
                  {"input_ids": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"}, "text_embedding": {0: "B"}})
    shutil.copy(os.path.join(C.CACHE, "tokenizer.json"), os.path.join(d, "tokenizer.json"))
    C.write_fixture(d, {"input_ids": ids[:1], "attention_mask": m[:1]})
    C.write_card("text-encoder", 1, "Transformer text encoder (2 layers, d 64, masked mean pooling) trained CLIP-style with image-encoder/1",
                 {"input_ids": "input_ids", "attention_mask": "attention_mask", "text_embedding": "embedding"},
                 {"input_ids": [-1, -1], "attention_mask": [-1, -1], "text_embedding": [-1, C.E_DIM]},
                 {"tokenizer": "tokenizer.json", "add_bos": True, "add_eos": True, "bos_id": T.BOS, "eos_id": T.EOS,
                  "pad_id": T.PAD, "max_length": MAXLEN, "lowercase": True,
                  "text_format": "the bare caption, e.g. 'a small red circle left of a large blue square'",
                  "embedding_normalised": True},
                 {}, prov, ev)
    print("exported image-encoder/1 and text-encoder/1")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "export", "eval"])
    ap.add_argument("--minutes", type=float, default=12)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.cmd == "train":
        train(a.minutes, a.seed)
    elif a.cmd == "export":
        export(a.seed)
    else:
        C.setup_torch(1)
        m, tok = load_model()
        print(evaluate(m, tok, ns.load(C.ensure_data(0))))
