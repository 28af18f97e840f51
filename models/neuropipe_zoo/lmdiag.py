"""Where the captioner's held-out shape errors come from (the numbers in models/README.md, "Captioning").

python -m neuropipe_zoo.lmdiag probe      linear shape probe on the frozen image-encoder/1 patch tokens
python -m neuropipe_zoo.lmdiag forced     the LM's shape after 'a <size> <colour>' with the true vs another colour word
python -m neuropipe_zoo.lmdiag questions  question accuracy per question kind (every question of the first 200 images)

Both train nothing on held-out concepts: the probe is fitted on single-shape train images (training concepts) and
read out on val (training concepts) and test (the 8 held-out concepts).
"""
from __future__ import annotations

import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import common as C
from . import lm
from . import neuroshapes as ns
from . import text as T


def single_shape(d, split):
    """Flattened patch tokens [n, 256*64], primary shape, colour of the single-shape images of a split."""
    a = d[f"{split}_attrs"]
    m = a["n_shapes"] == 1
    x = np.asarray(lm.patch_cache(f"{split}_seed0", d[f"{split}_images"])).astype(np.float32)[m]
    return torch.from_numpy(x.reshape(len(x), -1)), torch.from_numpy(a["shape"][m]), torch.from_numpy(a["colour"][m])


def fit_linear(train, evals, epochs=30, lr=1e-3, wd=1e-2):
    """Multinomial logistic regression on standardised features; accuracy on each (x, y) of evals."""
    x, y = train
    mu, sd = x.mean(0), x.std(0) + 1e-5
    w = nn.Linear(x.shape[1], len(ns.SHAPES))
    opt = torch.optim.AdamW(w.parameters(), lr=lr, weight_decay=wd)
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 256):
            j = perm[i:i + 256]
            loss = F.cross_entropy(w((x[j] - mu) / sd), y[j])
            opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        return [round(float((w((xe - mu) / sd).argmax(-1) == ye).float().mean()), 3) for xe, ye in evals]


def probe():
    C.setup_torch(1)
    torch.manual_seed(0)
    d = ns.load(C.ensure_data(0))
    (xt, yt, ct), (xv, yv, cv), (xh, yh, ch) = (single_shape(d, s) for s in ("train", "val", "test"))
    raw = fit_linear((xt, yt), [(xv, yv), (xh, yh)])
    # the colour of a patch is read perfectly; removing each colour's mean token map keeps the probe from
    # ruling out a shape by its colour (no training image has an unseen pair's colour with that shape)
    mean = torch.stack([xt[ct == c].mean(0) for c in range(len(ns.COLOURS))])
    centred = fit_linear((xt - mean[ct], yt), [(xv - mean[cv], yv), (xh - mean[ch], yh)])
    r = {"n_train_val_heldout": [len(yt), len(yv), len(yh)], "linear_val_heldout": raw, "colour_centred_linear_val_heldout": centred}
    print(r)
    return r


@torch.no_grad()
def forced(n=200):
    C.setup_torch(1)
    model, tok, _ = lm.load_model()
    d = ns.load(C.ensure_data(0))
    rng = np.random.default_rng(0)
    shape_ids = [tok.token_to_id("\u2581" + s) for s in ns.SHAPES]
    r = {}
    for split in ("val", "test"):
        a = d[f"{split}_attrs"]
        P = torch.from_numpy(np.asarray(lm.patch_cache(f"{split}_seed0", d[f"{split}_images"][:n])).astype(np.float32))
        for mode in ("true", "other"):
            hits = 0
            for i in range(0, n, 50):
                answers = []
                for j in range(i, min(i + 50, n)):
                    c = a["colour"][j] if mode == "true" else rng.choice([k for k in range(8) if k != a["colour"][j]])
                    answers.append(f"a {ns.SIZES[a['size'][j]]} {ns.COLOURS[c]}")
                emb, pos, am, _ = lm.make_inputs(model, tok, "vision", P[i:i + 50], None, [T.CAPTION_PROMPT] * len(answers),
                                                 answers, lm.N_VIS, rng)
                logits = model.lm(inputs_embeds=emb, attention_mask=am, position_ids=pos).logits
                for b in range(len(answers)):
                    colour_at = int(am[b].sum()) - 2  # the answer ends "<colour> </s>"
                    hits += int(int(logits[b, colour_at, shape_ids].argmax()) == a["shape"][i + b])
            r[f"{split}_{mode}_colour_word"] = round(hits / n, 3)
    print(r)
    return r


QUESTION_KINDS = [("what colour", "colour"), ("what shape", "shape"), ("what size", "size"), ("where", "position"),
                  ("how many", "count"), ("is there", "presence")]


def questions(n=200):
    C.setup_torch(1)
    model, tok, _ = lm.load_model()
    d = ns.load(C.ensure_data(0))
    r = {}
    for split in ("val", "test"):
        P = torch.from_numpy(np.asarray(lm.patch_cache(f"{split}_seed0", d[f"{split}_images"][:n])).astype(np.float32))
        qs = [(i, q, a) for i in range(n) for q, a in d[f"{split}_text"][i]["qa"]]
        preds = []
        for i in range(0, len(qs), 50):
            chunk = qs[i:i + 50]
            preds += lm.greedy(model, tok, "vision", P[[c[0] for c in chunk]], None, [T.qa_prompt(c[1]) for c in chunk], max_new=4)
        for prefix, kind in QUESTION_KINDS:
            hits = [p == a for (_, q, a), p in zip(qs, preds) if q.startswith(prefix)]
            r[f"{split}_{kind}"] = round(float(np.mean(hits)), 3)
    print(r)
    return r


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("cmd", choices=["probe", "forced", "questions"])
    a = ap.parse_args()
    {"probe": probe, "forced": forced, "questions": questions}[a.cmd]()
