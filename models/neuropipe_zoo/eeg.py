"""ATM-style EEG encoder (channel attention with a subject token, spatial-temporal convolution, residual
projector) trained contrastively to the image embeddings, and the ridge-regression baseline.

python -m neuropipe_zoo.eeg train --minutes 26      (resumable: $CACHE/eeg.pt; best-on-val model: $CACHE/eeg_best.pt)
python -m neuropipe_zoo.eeg ridge                   (closed form, ~1 min)
python -m neuropipe_zoo.eeg export                  (eeg-encoder/1, eeg-ridge/1)
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

N_SUBJ = 4
SCALE_UV = 10.0  # in-graph input scaling: microvolts / 10
RIDGE_BIN = 5
# in-graph 5-sample means (250 -> 50 Hz rate): one 50 Hz line-noise period is 5 samples, so it averages out, and
# the network is ~10x cheaper per trial than at 250 samples, which buys ~10x more epochs in the same budget
BIN = 5
T_BIN = 250 // BIN


class ChannelAttention(nn.Module):
    """iTransformer-style: each channel's series is a token; one encoder layer; subject token prepended."""

    def __init__(self, n_subj, T=T_BIN, heads=5, d_ff=128, p=0.25):
        super().__init__()
        self.embed = nn.Linear(T, T)
        self.subject = nn.Embedding(n_subj + 1, T)
        self.h, self.dk = heads, T // heads
        self.q = nn.Linear(T, heads * self.dk)
        self.k = nn.Linear(T, heads * self.dk)
        self.v = nn.Linear(T, heads * self.dk)
        self.o = nn.Linear(heads * self.dk, T)
        self.n1 = nn.LayerNorm(T)
        self.ff = nn.Sequential(nn.Linear(T, d_ff), nn.GELU(), nn.Dropout(p), nn.Linear(d_ff, T))
        self.n2 = nn.LayerNorm(T)
        self.norm = nn.LayerNorm(T)
        self.drop = nn.Dropout(p)

    def forward(self, x, subject):
        B, Cc, T = x.shape
        tok = torch.cat([self.subject(subject)[:, None, :], self.embed(x)], 1)  # [B, 64, T]
        q = self.q(tok).reshape(B, -1, self.h, self.dk).transpose(1, 2)
        k = self.k(tok).reshape(B, -1, self.h, self.dk).transpose(1, 2)
        v = self.v(tok).reshape(B, -1, self.h, self.dk).transpose(1, 2)
        a = ((q @ k.transpose(-1, -2)) / math.sqrt(self.dk)).softmax(-1)
        y = (a @ v).transpose(1, 2).reshape(B, -1, self.h * self.dk)
        tok = self.n1(tok + self.drop(self.o(y)))
        tok = self.n2(tok + self.drop(self.ff(tok)))
        return self.norm(tok)[:, 1:, :]  # drop the subject token -> [B, 63, T]


class SpatialTemporalConv(nn.Module):
    """ShallowNet's spatial and temporal filtering, spatial first: 63 electrodes -> k virtual channels (1x1),
    then a temporal conv over those. Temporal-first (ATM's ShallowNet) materialises k x 63 x T features per
    trial and was ~20x slower on one CPU thread for the same receptive field."""

    def __init__(self, C_=63, k=64, kt=5, p=0.5):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(C_, k, 1), nn.BatchNorm1d(k), nn.ELU(),
            nn.Conv1d(k, k, kt), nn.BatchNorm1d(k), nn.ELU(),
            nn.AvgPool1d(4, 2), nn.Dropout(p))
        self.features = k * ((T_BIN - kt + 1 - 4) // 2 + 1)

    def forward(self, x):
        return self.net(x).flatten(1)  # [B, 64*22 = 1408]


class ATM(nn.Module):
    def __init__(self, n_subj=N_SUBJ, D=C.E_DIM):
        super().__init__()
        self.att = ChannelAttention(n_subj)
        self.conv = SpatialTemporalConv()
        self.proj = nn.Linear(self.conv.features, D)
        self.res = nn.Sequential(nn.GELU(), nn.Linear(D, D), nn.Dropout(0.5))
        self.ln = nn.LayerNorm(D)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def forward(self, eeg, subject):
        return self.embed_binned(F.avg_pool1d(eeg, BIN), subject)

    def embed_binned(self, x, subject):
        """x: 5-sample means in uV [B, 63, 50] (training feeds the pre-binned set)."""
        h = self.proj(self.conv(self.att(x * (1.0 / SCALE_UV), subject)))
        return F.normalize(self.ln(h + self.res(h)), dim=-1)


def load_split(d, split, subjects=range(N_SUBJ)):
    return [np.load(f"{d}/eeg_sub{s:02d}_{split}.npy", mmap_mode="r") for s in subjects]


def image_targets(data, split):
    from . import clip
    p = os.path.join(C.CACHE, f"img_emb_seed{data['meta']['seed']}_{split}.npy")
    if os.path.exists(p) and os.path.getmtime(p) > clip.embeddings_mtime():
        return np.load(p)
    m, _ = clip.load_model()
    e = clip.embed_images(m, data[f"{split}_images"]).astype(np.float32)
    np.save(p, e)
    return e


def text_targets(data, split):
    from . import clip
    p = os.path.join(C.CACHE, f"txt_emb_seed{data['meta']['seed']}_{split}.npy")
    if os.path.exists(p) and os.path.getmtime(p) > clip.embeddings_mtime():
        return np.load(p)
    m, tok = clip.load_model()
    e = clip.embed_texts(m, tok, [t["caption"] for t in data[f"{split}_text"]]).astype(np.float32)
    np.save(p, e)
    return e


def binned(x):
    """[..., 250] uV -> [..., 50] 5-sample means (what the graph's AvgPool computes)."""
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(*x.shape[:-1], T_BIN, BIN).mean(-1)


def train(minutes, seed=0, bs=128, lr=1e-3, wd=0.05, p_agnostic=0.2, eval_every=250):
    """Contrastive training on single trials; every `eval_every` steps the val 200-way top-1 (single trials, mean
    of 4 subjects and 2 blocks of 200) is measured and the best model so far is kept in $CACHE/eeg_best.pt."""
    torch = C.setup_torch(1)
    torch.manual_seed(seed)
    log = C.log_to(os.path.join(C.CACHE, "eeg.log"))
    d = C.ensure_data(0)
    data = ns.load(d)
    Ximg = torch.from_numpy(image_targets(data, "train"))
    Xtxt = torch.from_numpy(text_targets(data, "train"))
    eeg = np.stack([binned(a) for a in load_split(d, "train")])  # [S, N, 63, 50]
    S, N = eeg.shape[:2]
    val_eeg = [np.asarray(a) for a in load_split(d, "val")]
    val_img = image_targets(data, "val")
    model = ATM(S)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    cp, bp = C.ckpt_path("eeg"), C.ckpt_path("eeg_best")
    step, wall, best = 0, 0.0, -1.0
    if os.path.exists(cp):
        ck = torch.load(cp, map_location="cpu")
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); step, wall = ck["step"], ck["wall"]
        best = ck.get("best", -1.0)
        log(f"resumed at step {step}")
    log(f"params {sum(p.numel() for p in model.parameters())}, {S} subjects x {N} trials, bs {bs}, lr {lr}, wd {wd}")
    rng = np.random.default_rng(seed + step)
    timer = C.Timer()
    last = timer()

    def state():
        return {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "wall": wall + timer(), "best": best}
    while wall + timer() < minutes * 60:
        model.train()
        si = rng.integers(0, S, bs)
        ni = rng.choice(N, bs, replace=False)  # distinct stimuli: no duplicate positives in the contrastive batch
        x = torch.from_numpy(eeg[si, ni])
        subj = torch.from_numpy(np.where(rng.random(bs) < p_agnostic, S, si)).long()
        prog = min((wall + timer()) / (minutes * 60), 1.0)
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / 200) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * prog)))
        e = model.embed_binned(x, subj)
        s = model.logit_scale.exp().clamp(max=100)
        ti, tt = Ximg[ni], Xtxt[ni]
        lab = torch.arange(bs)
        li = s * e @ ti.t()
        lt = s * e @ tt.t()
        loss = 0.99 * 0.5 * (F.cross_entropy(li, lab) + F.cross_entropy(li.t(), lab)) + \
            0.01 * 0.5 * (F.cross_entropy(lt, lab) + F.cross_entropy(lt.t(), lab))
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        if step % 100 == 0:
            log(f"step {step} loss {loss.item():.3f} scale {s.item():.1f} t {wall + timer():.0f}s")
        if step % eval_every == 0:
            r = eval_val(model, val_eeg, val_img)
            acc = float(np.mean(r))
            log(f"val 200-way top1 {acc:.4f} per subject/block {r} (best {max(best, 0):.4f}) epoch {step * bs / (S * N):.1f}")
            if acc > best:
                best = acc
                torch.save({**state(), "val_top1": acc}, bp)
        if timer() - last > 120:
            torch.save(state(), cp)
            last = timer()
    torch.save(state(), cp)
    log(f"saved step {step}, best val 200-way top1 {best:.4f}")


@torch.no_grad()
def embed(model, x, subject, bs=256):
    model.eval()
    out = []
    for i in range(0, len(x), bs):
        xb = torch.from_numpy(np.ascontiguousarray(x[i:i + bs], dtype=np.float32))
        out.append(model(xb, torch.full((len(xb),), subject, dtype=torch.long)).numpy())
    return np.concatenate(out)


def eval_val(model, val_eeg, val_img):
    res = []
    for s, x in enumerate(val_eeg):
        e = embed(model, x[:400], s)
        res += [round(kway(e[b:b + 200], val_img[b:b + 200], 200)["top1"], 3) for b in (0, 200)]
    return res


def kway(pred, target, k, draws=30, seed=0):
    """k-way retrieval: the true image among k candidates (itself + k-1 random others), cosine similarity."""
    n = len(pred)
    sim = pred @ target.T
    rng = np.random.default_rng(seed)
    t1 = t5 = 0.0
    if k >= n:
        rank = (sim > np.diag(sim)[:, None]).sum(1)
        return {"top1": float((rank < 1).mean()), "top5": float((rank < 5).mean())}
    for _ in range(draws):
        for i in range(n):
            others = rng.choice(np.delete(np.arange(n), i), k - 1, replace=False)
            r = (sim[i, others] > sim[i, i]).sum()
            t1 += r < 1
            t5 += r < 5
    return {"top1": t1 / (draws * n), "top5": t5 / (draws * n)}


# ---------------------------------------------------------------------------------------------- ridge
class Ridge(nn.Module):
    def __init__(self, mu, sd, W, b):
        super().__init__()
        self.register_buffer("mu", torch.from_numpy(mu.astype(np.float32)))
        self.register_buffer("sd", torch.from_numpy(sd.astype(np.float32)))
        self.register_buffer("W", torch.from_numpy(W.astype(np.float32)))
        self.register_buffer("b", torch.from_numpy(b.astype(np.float32)))

    def forward(self, eeg):
        B = eeg.shape[0]
        f = eeg.reshape(B, 63, 250 // RIDGE_BIN, RIDGE_BIN).mean(-1).reshape(B, -1)
        return F.normalize(((f - self.mu) / self.sd) @ self.W + self.b, dim=-1)


def ridge_features(x):
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(len(x), 63, 250 // RIDGE_BIN, RIDGE_BIN).mean(-1).reshape(len(x), -1)


def train_ridge():
    t = C.Timer()
    d = C.ensure_data(0)
    data = ns.load(d)
    Y = image_targets(data, "train")
    feats = [ridge_features(a) for a in load_split(d, "train")]
    X = np.concatenate(feats).astype(np.float64)
    Yall = np.tile(Y, (len(feats), 1)).astype(np.float64)
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Xs = (X - mu) / sd
    ym = Yall.mean(0)
    G = Xs.T @ Xs
    XtY = Xs.T @ (Yall - ym)
    val_img = image_targets(data, "val")
    val = [ridge_features(a) for a in load_split(d, "val")]
    best = None
    for lam in [1e1, 1e2, 3e2, 1e3, 3e3, 1e4, 1e5]:
        W = np.linalg.solve(G + lam * np.eye(len(G)), XtY)
        accs = []
        for v in val:
            p = ((v - mu) / sd) @ W + ym
            p /= np.linalg.norm(p, axis=1, keepdims=True)
            accs.append(kway(p[:200], val_img[:200], 200)["top1"])
        acc = float(np.mean(accs))
        print(f"lambda {lam:g}: val 200-way top1 {acc:.3f}")
        if best is None or acc > best[0]:
            best = (acc, lam, W)
    acc, lam, W = best
    np.savez(os.path.join(C.CACHE, "eeg_ridge.npz"), mu=mu, sd=sd, W=W, b=ym, lam=lam, wall=t(), val_top1=acc)
    print(f"ridge: lambda {lam:g}, val top1 {acc:.3f}, {t():.0f}s")


def load_model():
    """The best-on-val model of the last training run (else its last state)."""
    p = C.ckpt_path("eeg_best")
    ck = torch.load(p if os.path.exists(p) else C.ckpt_path("eeg"), map_location="cpu")
    m = ATM(N_SUBJ)
    m.load_state_dict(ck["model"])
    return m.eval(), ck


def load_ridge():
    z = np.load(os.path.join(C.CACHE, "eeg_ridge.npz"))
    return Ridge(z["mu"], z["sd"], z["W"], z["b"]).eval(), z


def test_trials(d, s):
    x = np.load(f"{d}/eeg_sub{s:02d}_test.npy", mmap_mode="r")
    return np.asarray(x).mean(1)  # average of repetitions (THINGS-EEG convention)


def evaluate(seed=0):
    """Retrieval on held-out-concept test stimuli (repetition-averaged), per subject, deep vs ridge."""
    d = C.ensure_data(seed) if seed == 0 else C.data_dir(seed)
    data = ns.load(d)
    tgt = image_targets(data, "test")
    m, _ = load_model()
    r, _ = load_ridge()
    n_subj = len(data["meta"]["eeg_subjects"])
    res = {}
    for name, fn in [("deep", lambda x, s: embed(m, x, s)), ("deep_agnostic", lambda x, s: embed(m, x, N_SUBJ)),
                     ("ridge", lambda x, s: r(torch.from_numpy(x)).numpy())]:
        acc = {f"{k}way_top{t}": [] for k in (50, 200) for t in (1, 5)}
        for s in range(n_subj):
            e = fn(test_trials(d, s), s)
            for k in (50, 200):
                kk = kway(e, tgt, k)
                acc[f"{k}way_top1"].append(kk["top1"]); acc[f"{k}way_top5"].append(kk["top5"])
        res[name] = {k: round(float(np.mean(v)), 4) for k, v in acc.items()}
        res[name]["per_subject_200way_top1"] = [round(float(v), 3) for v in acc["200way_top1"]]
    return res


def export():
    C.setup_torch(1)
    m, ck = load_model()
    d = C.ensure_data(0)
    x = torch.from_numpy(np.round(test_trials(d, 0)[:2], 2).astype(np.float32))  # 0.01 uV steps keep the fixture small
    subj = torch.tensor([0, N_SUBJ])
    de = os.path.join(C.REPO, "eeg-encoder", "1")
    C.export_onnx(m, (x, subj), os.path.join(de, "model.onnx"), ["eeg", "subject"], ["eeg_embedding"],
                  {"eeg": {0: "B"}, "subject": {0: "B"}, "eeg_embedding": {0: "B"}})
    out = C.write_fixture(de, {"eeg": x[:1].numpy(), "subject": subj[:1].numpy()})
    with torch.no_grad():
        assert np.abs(out["eeg_embedding"] - m(x[:1], subj[:1]).numpy()).max() < 1e-4
    ev = evaluate(0)
    subjects = [f"sub-{i + 1:02d}" for i in range(N_SUBJ)] + ["agnostic"]
    pre = {"channels": ns.CHANNELS, "sampling_rate": 250, "samples": 250, "epoch_s": [0.0, 1.0],
           "unit": "uV", "input_scaling": f"in graph (x / {SCALE_UV})", "input_binning": f"in graph ({BIN}-sample means -> {T_BIN} samples at 50 Hz)", "reference": "as recorded (simulated average reference)",
           "test_repetitions_averaged": True, "subject_agnostic_index": N_SUBJ}
    prov = C.provenance("eeg.py", "python -m neuropipe_zoo.eeg train --minutes 26 (then resumed to 30) && python -m neuropipe_zoo.eeg export",
                        0, ck["wall"], steps=ck["step"], batch_size=128, val_200way_top1=round(float(ck.get("val_top1", -1)), 4),
                        objective="0.99 CLIP(EEG, image-encoder/1 embedding) + 0.01 CLIP(EEG, text-encoder/1 caption); subject dropout 0.2 -> agnostic token",
                        selection="best val 200-way top-1 (single trials, 4 subjects x 2 blocks of 200), checked every 250 steps")
    C.write_card("eeg-encoder", 1, "ATM-style EEG encoder (5-sample binning, channel attention + subject token, spatial-temporal conv, residual projector)",
                 {"eeg": "eeg", "subject": "subject", "eeg_embedding": "embedding"},
                 {"eeg": [-1, 63, 250], "subject": [-1], "eeg_embedding": [-1, C.E_DIM]},
                 pre, {"subjects": subjects}, prov,
                 {"heldout_concepts_seed0": {"deep": ev["deep"], "deep_subject_agnostic": ev["deep_agnostic"]}})
    r, z = load_ridge()
    dr = os.path.join(C.REPO, "eeg-ridge", "1")
    C.export_onnx(r, (x,), os.path.join(dr, "model.onnx"), ["eeg"], ["eeg_embedding"],
                  {"eeg": {0: "B"}, "eeg_embedding": {0: "B"}})
    C.write_fixture(dr, {"eeg": x[:1].numpy()})
    prov = C.provenance("eeg.py", "python -m neuropipe_zoo.eeg ridge && python -m neuropipe_zoo.eeg export", 0,
                        float(z["wall"]), ridge_lambda=float(z["lam"]),
                        objective="closed-form ridge, all 4 subjects pooled, features = 63 ch x 50 bins (5-sample means), standardised")
    C.write_card("eeg-ridge", 1, "Linear (ridge) EEG -> E baseline, subject-independent",
                 {"eeg": "eeg", "eeg_embedding": "embedding"}, {"eeg": [-1, 63, 250], "eeg_embedding": [-1, C.E_DIM]},
                 {k: pre[k] for k in ("channels", "sampling_rate", "samples", "epoch_s", "unit")}, {}, prov,
                 {"heldout_concepts_seed0": ev["ridge"]})
    print(ev)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "ridge", "export", "eval"])
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bs", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--wd", type=float, default=0.05)
    a = ap.parse_args()
    if a.cmd == "train":
        train(a.minutes, a.seed, a.bs, a.lr, a.wd)
    elif a.cmd == "ridge":
        C.setup_torch(1)
        train_ridge()
    elif a.cmd == "export":
        export()
    else:
        C.setup_torch(1)
        print(evaluate(a.seed))
