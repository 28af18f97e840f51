"""MindBridge-style fMRI encoder: adaptive max pooling to P (done in Java), per-subject adapter graphs and a
shared translator to E; per-subject ridge baselines; reset-tuning of an adapter for a new subject.

python -m neuropipe_zoo.fmri train --minutes 4        ($CACHE/fmri.pt)
python -m neuropipe_zoo.fmri ridge
python -m neuropipe_zoo.fmri export
python -m neuropipe_zoo.fmri reset-tune --subject-seed 7 --n 300 [--export subj05]
"""
from __future__ import annotations

import argparse
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import common as C
from . import neuroshapes as ns
from .eeg import image_targets, kway

P = 1024
HF = 256
BOTTLENECK = 64
N_SUBJ = 4


def pool(x):
    return ns.adaptive_max_pool(np.asarray(x, np.float32), P)


class Adapter(nn.Module):
    """Bottleneck adapter (P -> 64 -> P, residual, up-projection zero-init) + Linear(P -> Hf) + LN + GELU."""

    def __init__(self):
        super().__init__()
        self.down = nn.Linear(P, BOTTLENECK)
        self.up = nn.Linear(BOTTLENECK, P)
        nn.init.zeros_(self.up.weight); nn.init.zeros_(self.up.bias)
        self.drop = nn.Dropout(0.3)
        self.proj = nn.Linear(P, HF)
        self.ln = nn.LayerNorm(HF)

    def forward(self, voxels):
        x = self.drop(voxels)
        x = x + self.up(F.gelu(self.down(x)))
        return F.gelu(self.ln(self.proj(x)))


class Translator(nn.Module):
    def __init__(self, blocks=2):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(HF, HF), nn.LayerNorm(HF), nn.GELU(), nn.Dropout(0.15))
                                     for _ in range(blocks)])
        self.out = nn.Linear(HF, C.E_DIM)

    def forward(self, hidden):
        h = hidden
        for b in self.blocks:
            h = h + b(h)
        return F.normalize(self.out(h), dim=-1)


class Model(nn.Module):
    def __init__(self, n_subj=N_SUBJ):
        super().__init__()
        self.adapters = nn.ModuleList([Adapter() for _ in range(n_subj)])
        self.translator = Translator()
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.05)))


def subject_data(d, s, data):
    name = f"subj{s + 1:02d}"
    tr = pool(np.load(f"{d}/fmri_{name}_train.npy"))
    idx = np.load(f"{d}/fmri_{name}_train_index.npy")
    val = pool(np.load(f"{d}/fmri_{name}_val.npy"))
    te = pool(np.load(f"{d}/fmri_{name}_test.npy").mean(1))  # average of 3 repetitions
    return tr, idx, val, te


def clip_loss(e, t, scale):
    lab = torch.arange(len(e))
    lg = scale * e @ t.t()
    return 0.5 * (F.cross_entropy(lg, lab) + F.cross_entropy(lg.t(), lab))


def train(minutes, seed=0, bs=64, lr=1e-3):
    torch = C.setup_torch(1)
    torch.manual_seed(seed)
    log = C.log_to(os.path.join(C.CACHE, "fmri.log"))
    d = C.ensure_data(0)
    data = ns.load(d)
    Y = torch.from_numpy(image_targets(data, "train"))
    Yv = image_targets(data, "val")
    subs = [subject_data(d, s, data) for s in range(N_SUBJ)]
    model = Model()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
    rng = np.random.default_rng(seed)
    t = C.Timer()
    step = 0
    while t() < minutes * 60:
        model.train()
        s = step % N_SUBJ
        tr, idx, _, _ = subs[s]
        j = rng.choice(len(tr), bs, replace=False)
        e = model.translator(model.adapters[s](torch.from_numpy(tr[j])))
        prog = min(t() / (minutes * 60), 1.0)
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / 200) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * prog)))
        loss = clip_loss(e, Y[idx[j]], model.logit_scale.exp().clamp(max=100))
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        if step % 500 == 0:
            model.eval()
            with torch.no_grad():
                acc = [kway(model.translator(model.adapters[k](torch.from_numpy(subs[k][2][:200]))).numpy(), Yv[:200], 200)["top1"]
                       for k in range(N_SUBJ)]
            log(f"step {step} loss {loss.item():.3f} val 200-way top1 {np.round(acc, 3).tolist()} t {t():.0f}s")
    torch.save({"model": model.state_dict(), "step": step, "wall": t()}, C.ckpt_path("fmri"))
    log(f"saved step {step}")


def fit_ridge(X, Y, Xv, Yv, lams=(1e1, 1e2, 1e3, 3e3, 1e4, 3e4, 1e5)):
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Xs = (X - mu) / sd
    ym = Y.mean(0)
    G = Xs.T @ Xs
    XtY = Xs.T @ (Y - ym)
    best = None
    for lam in lams:
        W = np.linalg.solve(G + lam * np.eye(len(G)), XtY)
        p = ((Xv - mu) / sd) @ W + ym
        p /= np.linalg.norm(p, axis=1, keepdims=True)
        acc = kway(p[:200], Yv[:200], 200)["top1"]
        if best is None or acc > best[0]:
            best = (acc, lam, W)
    return {"mu": mu, "sd": sd, "W": best[2], "b": ym, "lam": best[1], "val_top1": best[0]}


class RidgeGraph(nn.Module):
    def __init__(self, r):
        super().__init__()
        for k in ("mu", "sd", "W", "b"):
            self.register_buffer(k, torch.from_numpy(np.asarray(r[k], np.float32)))

    def forward(self, voxels):
        return F.normalize(((voxels - self.mu) / self.sd) @ self.W + self.b, dim=-1)


def train_ridge():
    t = C.Timer()
    d = C.ensure_data(0)
    data = ns.load(d)
    Y = image_targets(data, "train").astype(np.float64)
    Yv = image_targets(data, "val")
    out = {}
    for s in range(N_SUBJ):
        tr, idx, val, _ = subject_data(d, s, data)
        r = fit_ridge(tr.astype(np.float64), Y[idx], val, Yv)
        print(f"subj{s + 1:02d}: lambda {r['lam']:g} val top1 {r['val_top1']:.3f}")
        for k, v in r.items():
            out[f"{s}_{k}"] = v
    out["wall"] = t()
    np.savez(os.path.join(C.CACHE, "fmri_ridge.npz"), **out)


def load():
    ck = torch.load(C.ckpt_path("fmri"), map_location="cpu")
    m = Model()
    m.load_state_dict(ck["model"])
    return m.eval(), ck


def load_ridge(s):
    z = np.load(os.path.join(C.CACHE, "fmri_ridge.npz"))
    return RidgeGraph({k: z[f"{s}_{k}"] for k in ("mu", "sd", "W", "b")}).eval(), float(z[f"{s}_lam"]), float(z["wall"])


@torch.no_grad()
def evaluate(seed=0):
    d = C.ensure_data(seed) if seed == 0 else C.data_dir(seed)
    data = ns.load(d)
    tgt = image_targets(data, "test")
    m, _ = load()
    res = {"deep": {}, "ridge": {}}
    acc = {n: {f"{k}way_top{t}": [] for k in (50, 200) for t in (1, 5)} for n in res}
    for s in range(N_SUBJ):
        te = pool(np.load(f"{d}/fmri_subj{s + 1:02d}_test.npy").mean(1))
        r, _, _ = load_ridge(s)
        for n, e in (("deep", m.translator(m.adapters[s](torch.from_numpy(te))).numpy()),
                     ("ridge", r(torch.from_numpy(te)).numpy())):
            for k in (50, 200):
                kk = kway(e, tgt, k)
                acc[n][f"{k}way_top1"].append(kk["top1"]); acc[n][f"{k}way_top5"].append(kk["top5"])
    for n in res:
        res[n] = {k: round(float(np.mean(v)), 4) for k, v in acc[n].items()}
        res[n]["per_subject_200way_top1"] = [round(float(v), 3) for v in acc[n]["200way_top1"]]
    return res


def new_subject_data(subject_seed, n, seed=0):
    """A brand-new simulated subject (FMRISubject(subject_seed, 0)) viewing n training stimuli + the test set."""
    d = C.ensure_data(seed)
    data = ns.load(d)
    subj = ns.FMRISubject(subject_seed, 0)
    rng = np.random.default_rng(1234 + subject_seed)
    sel = np.sort(rng.choice(len(data["train_images"]), n, replace=False))
    at = data["train_attrs"]
    attrs = [{k: int(at[k][i]) for k in at} for i in sel]
    feat = ns.stim_features(data["train_images"][sel], attrs)
    b_tr, stats = subj.betas(subj.clean(data["train_images"][sel], feat), rng)
    at_te = data["test_attrs"]
    attrs_te = [{k: int(at_te[k][i]) for k in at_te} for i in range(len(data["test_images"]))]
    ct = subj.clean(data["test_images"], ns.stim_features(data["test_images"], attrs_te))
    b_te = np.stack([subj.betas(ct, rng, stats)[0] for _ in range(3)], 1).mean(1)
    return subj, pool(b_tr), sel, pool(b_te), data


def reset_tune(subject_seed=7, n=300, minutes=2.0, export_name=None):
    """Reset-tuning (MindBridge): fresh adapter for a new subject, shared translator frozen."""
    torch = C.setup_torch(1)
    torch.manual_seed(0)
    subj, X, sel, Xte, data = new_subject_data(subject_seed, n)
    Y = torch.from_numpy(image_targets(data, "train"))[sel]
    tgt = image_targets(data, "test")
    m, _ = load()
    m.translator.requires_grad_(False)
    ad = Adapter()
    opt = torch.optim.AdamW(ad.parameters(), lr=1e-3, weight_decay=0.05)
    t = C.Timer()
    rng = np.random.default_rng(0)
    step = 0
    while t() < minutes * 60:
        ad.train(); m.translator.eval()
        j = rng.choice(len(X), min(64, len(X)), replace=False)
        loss = clip_loss(m.translator(ad(torch.from_numpy(X[j]))), Y[j], m.logit_scale.exp().clamp(max=100).detach())
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
    ad.eval()
    with torch.no_grad():
        e = m.translator(ad(torch.from_numpy(Xte))).numpy()
    deep = kway(e, tgt, 200)
    Yv = Y.numpy().astype(np.float64)
    ntr = int(0.8 * len(X))
    r = fit_ridge(X[:ntr].astype(np.float64), Yv[:ntr], X[ntr:], Y.numpy()[ntr:], lams=(1e2, 1e3, 1e4, 1e5))
    r2 = fit_ridge(X.astype(np.float64), Yv, X[ntr:], Y.numpy()[ntr:], lams=(r["lam"],))
    p = ((Xte - r2["mu"]) / r2["sd"]) @ r2["W"] + r2["b"]
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    ridge = kway(p, tgt, 200)
    res = {"new_subject_seed": subject_seed, "n_voxels": subj.n_vox, "train_samples": n, "steps": step,
           "seconds": round(t(), 1), "deep_200way_top1": round(deep["top1"], 4), "deep_200way_top5": round(deep["top5"], 4),
           "ridge_200way_top1": round(ridge["top1"], 4), "ridge_200way_top5": round(ridge["top5"], 4)}
    print(res)
    if export_name:
        export_adapter(ad, export_name, {"reset_tune": res},
                       C.provenance("fmri.py", f"python -m neuropipe_zoo.fmri reset-tune --subject-seed {subject_seed} --n {n} --export {export_name}",
                                    0, t(), data=f"simulated subject FMRISubject({subject_seed}, 0), {n} training stimuli"))
    return res


def export_adapter(ad, name, ev, prov):
    dd = os.path.join(C.REPO, f"fmri-adapter-{name}", "1")
    x = torch.randn(1, P, generator=torch.Generator().manual_seed(3))
    C.export_onnx(ad.eval(), (x,), os.path.join(dd, "model.onnx"), ["voxels"], ["hidden"], {"voxels": {0: "B"}, "hidden": {0: "B"}})
    C.write_fixture(dd, {"voxels": x.numpy()})
    C.write_card(f"fmri-adapter-{name}", 1, f"MindBridge-style per-subject adapter for {name}: pooled voxels [P={P}] -> shared hidden [Hf={HF}]",
                 {"voxels": "voxels", "hidden": "hidden"}, {"voxels": [-1, P], "hidden": [-1, HF]},
                 {"pooled_length": P, "pooling": "adaptive max: bin i = max over [floor(i*V/P), ceil((i+1)*V/P))",
                  "voxel_normalisation": "z-scored per voxel (NSD convention; the data set ships z-scored betas)",
                  "test_repetitions_averaged": 3, "translator": "fmri-translator/1", "subject": name},
                 {}, prov, ev)


def export():
    C.setup_torch(1)
    m, ck = load()
    ev = evaluate(0)
    d = C.ensure_data(0)
    meta = ns.load(d)["meta"]
    prov = C.provenance("fmri.py", "python -m neuropipe_zoo.fmri train --minutes 4 && python -m neuropipe_zoo.fmri export",
                        0, ck["wall"], steps=ck["step"], batch_size=64,
                        objective="CLIP InfoNCE to image-encoder/1 embeddings, per-subject adapters + shared translator (no cycle/builder loss)")
    for s in range(N_SUBJ):
        name = f"subj{s + 1:02d}"
        nv = meta["fmri_subjects"][s]["n_voxels"]
        export_adapter(m.adapters[s], name, {"heldout_concepts_seed0": {"deep_200way_top1": ev["deep"]["per_subject_200way_top1"][s]}},
                       {**prov, "n_voxels": nv})
        r, lam, wall = load_ridge(s)
        dr = os.path.join(C.REPO, f"fmri-ridge-{name}", "1")
        x = torch.randn(1, P, generator=torch.Generator().manual_seed(4))
        C.export_onnx(r, (x,), os.path.join(dr, "model.onnx"), ["voxels"], ["fmri_embedding"],
                      {"voxels": {0: "B"}, "fmri_embedding": {0: "B"}})
        C.write_fixture(dr, {"voxels": x.numpy()})
        C.write_card(f"fmri-ridge-{name}", 1, f"Ridge fMRI -> E baseline for {name} (pooled voxels P={P})",
                     {"voxels": "voxels", "fmri_embedding": "embedding"}, {"voxels": [-1, P], "fmri_embedding": [-1, C.E_DIM]},
                     {"pooled_length": P, "subject": name, "n_voxels": nv}, {},
                     C.provenance("fmri.py", "python -m neuropipe_zoo.fmri ridge && python -m neuropipe_zoo.fmri export", 0, wall,
                                  ridge_lambda=lam), {"heldout_concepts_seed0": {"ridge_200way_top1": ev["ridge"]["per_subject_200way_top1"][s]}})
    dt = os.path.join(C.REPO, "fmri-translator", "1")
    h = torch.randn(1, HF, generator=torch.Generator().manual_seed(5))
    C.export_onnx(m.translator, (h,), os.path.join(dt, "model.onnx"), ["hidden"], ["fmri_embedding"],
                  {"hidden": {0: "B"}, "fmri_embedding": {0: "B"}})
    C.write_fixture(dt, {"hidden": h.numpy()})
    C.write_card("fmri-translator", 1, "Shared MindBridge-style translator: adapter hidden [Hf] -> E (residual MLP blocks)",
                 {"hidden": "hidden", "fmri_embedding": "embedding"}, {"hidden": [-1, HF], "fmri_embedding": [-1, C.E_DIM]},
                 {"hidden_size": HF, "subjects": [f"subj{s + 1:02d}" for s in range(N_SUBJ)]}, {}, prov,
                 {"heldout_concepts_seed0": ev})
    print(ev)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "ridge", "export", "eval", "reset-tune"])
    ap.add_argument("--minutes", type=float, default=8)
    ap.add_argument("--subject-seed", type=int, default=7)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--export", default=None)
    a = ap.parse_args()
    if a.cmd == "train":
        train(a.minutes)
    elif a.cmd == "ridge":
        C.setup_torch(1)
        train_ridge()
    elif a.cmd == "export":
        export()
    elif a.cmd == "reset-tune":
        reset_tune(a.subject_seed, a.n, min(a.minutes, 3.0), a.export)
    else:
        C.setup_torch(1)
        print(evaluate())
