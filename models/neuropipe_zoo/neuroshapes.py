"""NeuroShapes: seeded synthetic stimuli (32x32 RGB shapes with captions, attributes and QA pairs)
and simulated brain recordings (63-channel EEG at 250 Hz, per-subject fMRI voxels + NIfTI volume).

Everything is a pure function of (seed, subject_seed); see `python -m neuropipe_zoo.neuroshapes -h`.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time

import numpy as np

# ----------------------------------------------------------------------------------------------
# Vocabulary of the stimulus world
# ----------------------------------------------------------------------------------------------
SHAPES = ["circle", "square", "triangle", "cross", "star", "diamond"]
COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "cyan", "white"]
COLOUR_RGB = np.array([
    [220, 40, 40], [40, 180, 60], [50, 90, 235], [235, 215, 40],
    [160, 60, 210], [245, 140, 30], [40, 205, 215], [240, 240, 240]], dtype=np.float32) / 255.0
SIZES = ["small", "large"]
SIZE_RADIUS = [4.3, 7.0]
POSITIONS = ["left", "right", "top", "bottom", "center"]
POS_XY = {"left": (9.0, 16.0), "right": (23.0, 16.0), "top": (16.0, 9.0), "bottom": (16.0, 23.0),
          "center": (16.0, 16.0)}
POS_PHRASE = {"left": "on the left", "right": "on the right", "top": "at the top",
              "bottom": "at the bottom", "center": "in the center"}
OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}
RELATION = {"left": "left of", "right": "right of", "top": "above", "bottom": "below"}
# held-out concepts (primary shape, colour): never shown in training splits, as either shape
HELDOUT_CONCEPTS = [("circle", "orange"), ("square", "cyan"), ("triangle", "blue"),
                    ("cross", "yellow"), ("star", "green"), ("diamond", "red"),
                    ("circle", "purple"), ("star", "white")]
HELDOUT_SET = {(SHAPES.index(s), COLOURS.index(c)) for s, c in HELDOUT_CONCEPTS}
IMG = 32
SS = 4  # supersampling factor for anti-aliased rendering

# 63 EEG channels (the ATM / THINGS-EEG2 montage, 10-10 system)
CHANNELS = ["Fp1", "Fp2", "AF7", "AF3", "AFz", "AF4", "AF8", "F7", "F5", "F3", "F1", "Fz", "F2",
            "F4", "F6", "F8", "FT9", "FT7", "FC5", "FC3", "FC1", "FCz", "FC2", "FC4", "FC6", "FT8",
            "FT10", "T7", "C5", "C3", "C1", "Cz", "C2", "C4", "C6", "T8", "TP9", "TP7", "CP5",
            "CP3", "CP1", "CPz", "CP2", "CP4", "CP6", "TP8", "TP10", "P7", "P5", "P3", "P1", "Pz",
            "P2", "P4", "P6", "P8", "PO7", "PO3", "POz", "PO4", "PO8", "O1", "Oz"]
assert len(CHANNELS) == 63
SFREQ = 250.0
N_SAMPLES = 250


def channel_xy():
    rows = {"Fp": 0.92, "AF": 0.72, "F": 0.52, "FT": 0.28, "FC": 0.26, "T": 0.0, "C": 0.0,
            "TP": -0.28, "CP": -0.26, "P": -0.52, "PO": -0.72, "O": -0.92}
    xy = []
    for name in CHANNELS:
        pre = name.rstrip("0123456789z")
        suf = name[len(pre):]
        y = rows[pre]
        if suf == "z":
            x = 0.0
        else:
            n = int(suf)
            mag = {1: 0.14, 2: 0.14, 3: 0.32, 4: 0.32, 5: 0.52, 6: 0.52, 7: 0.74, 8: 0.74,
                   9: 0.92, 10: 0.92}[n]
            if pre in ("T", "FT", "TP") and n in (7, 8):
                mag = 0.88
            x = -mag if n % 2 == 1 else mag
        xy.append((x, y))
    return np.array(xy, dtype=np.float64)


CH_XY = channel_xy()


# ----------------------------------------------------------------------------------------------
# Stimuli
# ----------------------------------------------------------------------------------------------
def _shape_mask(shape: int, dx: np.ndarray, dy: np.ndarray, r: float) -> np.ndarray:
    name = SHAPES[shape]
    if name == "circle":
        return dx * dx + dy * dy <= r * r
    if name == "square":
        s = r * 0.86
        return (np.abs(dx) <= s) & (np.abs(dy) <= s)
    if name == "diamond":
        return np.abs(dx) + np.abs(dy) <= r * 1.15
    if name == "cross":
        w = r * 0.36
        return ((np.abs(dx) <= w) & (np.abs(dy) <= r)) | ((np.abs(dy) <= w) & (np.abs(dx) <= r))
    if name == "triangle":
        # upward equilateral triangle inscribed in radius r*1.1
        R = r * 1.15
        y0 = R * 0.5  # base line (image y grows downwards)
        inside = dy <= y0
        # two slanted edges through the apex (0,-R)
        k = math.tan(math.radians(30))
        inside &= np.abs(dx) <= (dy + R) * k
        return inside
    if name == "star":
        rho = np.sqrt(dx * dx + dy * dy)
        th = np.arctan2(dy, dx) + math.pi / 2
        seg = 2 * math.pi / 5
        a = np.mod(th, seg) / seg  # 0..1 within one spike
        outer, inner = r * 1.2, r * 0.5
        tri = np.abs(a - 0.5) * 2  # 1 at outer vertex (a=0 or 1), 0 at inner (a=.5)
        return rho <= inner + (outer - inner) * tri
    raise ValueError(name)


def render(objs, bg_a, bg_b, bg_dir, noise):
    """objs: list of (shape, colour, size, cx, cy). Returns float32 [32,32,3] in 0..1."""
    n = IMG * SS
    c = (np.arange(n) + 0.5) / SS
    yy, xx = np.meshgrid(c, c, indexing="ij")
    # background: linear gradient between two dark colours + fine noise
    g = (xx * bg_dir[0] + yy * bg_dir[1]) / IMG
    g = (g - g.min()) / max(g.max() - g.min(), 1e-6)
    img = bg_a[None, None, :] * (1 - g[..., None]) + bg_b[None, None, :] * g[..., None]
    for (s, col, size, cx, cy) in objs:
        m = _shape_mask(s, xx - cx, yy - cy, SIZE_RADIUS[size])
        img[m] = COLOUR_RGB[col]
    img = img.reshape(IMG, SS, IMG, SS, 3).mean(axis=(1, 3))
    img = img + noise
    return np.clip(img, 0, 1).astype(np.float32)


def caption_of(a):
    s1 = f"a {SIZES[a['size']]} {COLOURS[a['colour']]} {SHAPES[a['shape']]}"
    if a["n_shapes"] == 1:
        return f"{s1} {POS_PHRASE[POSITIONS[a['position']]]}"
    s2 = f"a {SIZES[a['size2']]} {COLOURS[a['colour2']]} {SHAPES[a['shape2']]}"
    return f"{s1} {RELATION[POSITIONS[a['position']]]} {s2}"


def qa_of(a, rng):
    """All question/answer pairs for one stimulus (about the named shapes)."""
    qa = []
    objs = [(a["shape"], a["colour"], a["size"], a["position"])]
    if a["n_shapes"] == 2:
        objs.append((a["shape2"], a["colour2"], a["size2"], POSITIONS.index(OPPOSITE[POSITIONS[a["position"]]])))
    for (s, c, z, p) in objs:
        qa.append((f"what colour is the {SHAPES[s]}?", COLOURS[c]))
        qa.append((f"what shape is the {COLOURS[c]} one?", SHAPES[s]))
        qa.append((f"what size is the {SHAPES[s]}?", SIZES[z]))
        qa.append((f"where is the {SHAPES[s]}?", POSITIONS[p]))
    qa.append(("how many shapes are there?", "one" if a["n_shapes"] == 1 else "two"))
    present = {o[0] for o in objs}
    absent = [s for s in range(len(SHAPES)) if s not in present]
    qa.append((f"is there a {SHAPES[a['shape']]}?", "yes"))
    qa.append((f"is there a {SHAPES[absent[rng.integers(len(absent))]]}?", "no"))
    return qa


def sample_attributes(rng, heldout: str):
    """heldout: 'exclude' (training world), 'only' (primary is a held-out concept), 'any'."""
    while True:
        a = {"shape": int(rng.integers(6)), "colour": int(rng.integers(8)), "size": int(rng.integers(2)),
             "n_shapes": int(1 + (rng.random() < 0.45))}
        if a["n_shapes"] == 1:
            a["position"] = int(rng.integers(5))
            a["shape2"] = a["colour2"] = a["size2"] = -1
        else:
            # canonical: the first-named (primary) shape is the left or the top one, so the caption is
            # determined by the image ("a X left of a Y" / "a X above a Y")
            a["position"] = int(rng.choice([0, 2]))
            a["shape2"] = int(rng.integers(6))
            a["colour2"] = int(rng.integers(8))
            a["size2"] = int(rng.integers(2))
            if a["shape2"] == a["shape"]:
                continue
        prim = (a["shape"], a["colour"]) in HELDOUT_SET
        sec = a["n_shapes"] == 2 and (a["shape2"], a["colour2"]) in HELDOUT_SET
        if heldout == "exclude" and (prim or sec):
            continue
        if heldout == "only" and not prim:
            continue
        if heldout == "only" and sec:
            continue
        return a


def make_stimuli(n: int, seed: int, heldout: str = "exclude"):
    """Returns images uint8 [n,32,32,3], attribute arrays, captions, qa lists."""
    rng = np.random.default_rng(seed)
    imgs = np.zeros((n, IMG, IMG, 3), np.uint8)
    attrs = []
    for i in range(n):
        a = sample_attributes(rng, heldout)
        jit = rng.uniform(-1.2, 1.2, size=4)
        cx, cy = POS_XY[POSITIONS[a["position"]]]
        objs = [(a["shape"], a["colour"], a["size"], cx + jit[0], cy + jit[1])]
        if a["n_shapes"] == 2:
            ox, oy = POS_XY[OPPOSITE[POSITIONS[a["position"]]]]
            objs.insert(0, (a["shape2"], a["colour2"], a["size2"], ox + jit[2], oy + jit[3]))
        hue = rng.random(3)
        bg_a = (0.04 + 0.22 * hue * rng.random()).astype(np.float32)
        bg_b = (0.04 + 0.22 * rng.random(3) * rng.random()).astype(np.float32)
        ang = rng.uniform(0, 2 * math.pi)
        noise = rng.normal(0, rng.uniform(0.0, 0.03), size=(IMG, IMG, 3)).astype(np.float32)
        img = render(objs, bg_a, bg_b, (math.cos(ang), math.sin(ang)), noise)
        imgs[i] = np.round(img * 255).astype(np.uint8)
        a["cx"], a["cy"] = float(objs[-1][3]), float(objs[-1][4])
        a["heldout"] = bool((a["shape"], a["colour"]) in HELDOUT_SET)
        a["caption"] = caption_of(a)
        a["qa"] = qa_of(a, rng)
        attrs.append(a)
    return imgs, attrs


def attr_arrays(attrs):
    keys = ["shape", "colour", "size", "position", "n_shapes", "shape2", "colour2", "size2"]
    return {k: np.array([a[k] for a in attrs], np.int64) for k in keys}


# ----------------------------------------------------------------------------------------------
# Stimulus features that drive the simulated brains
# ----------------------------------------------------------------------------------------------
def stim_features(imgs_u8: np.ndarray, attrs):
    """Low-level and high-level descriptors per stimulus."""
    x = imgs_u8.astype(np.float32) / 255.0
    lum = x.mean(-1)
    bg = np.median(lum.reshape(len(x), -1), axis=1)
    contrast = np.abs(lum - bg[:, None, None])
    w = contrast / (contrast.sum(axis=(1, 2), keepdims=True) + 1e-6)
    xs = np.arange(IMG, dtype=np.float32)
    comx = (w.sum(1) * xs).sum(-1)  # contrast-weighted centre of mass (0..31)
    comy = (w.sum(2) * xs).sum(-1)
    tot_contrast = contrast.mean(axis=(1, 2)) * 4.0
    rg = (x[..., 0] - x[..., 1])
    by = (x[..., 2] - 0.5 * (x[..., 0] + x[..., 1]))
    chroma = np.stack([(rg * contrast).sum((1, 2)), (by * contrast).sum((1, 2))], -1) / (
        contrast.sum((1, 2))[:, None] + 1e-6)
    A = attr_arrays(attrs)
    n = len(attrs)
    onehot = np.zeros((n, 6 + 8 + 2 + 1 + 6 + 8), np.float32)
    onehot[np.arange(n), A["shape"]] = 1
    onehot[np.arange(n), 6 + A["colour"]] = 1
    onehot[np.arange(n), 14 + A["size"]] = 1
    onehot[:, 16] = (A["n_shapes"] == 2)
    two = A["n_shapes"] == 2
    onehot[np.where(two)[0], 17 + A["shape2"][two]] = 0.6
    onehot[np.where(two)[0], 23 + A["colour2"][two]] = 0.6
    complexity = np.array([0.2, 0.4, 0.6, 0.8, 1.0, 0.5], np.float32)[A["shape"]]
    return {"contrast": tot_contrast.astype(np.float32), "comx": comx, "comy": comy,
            "chroma": chroma.astype(np.float32), "semantic": onehot, "complexity": complexity,
            "size": A["size"].astype(np.float32), "n_shapes": A["n_shapes"].astype(np.float32),
            "shape": A["shape"], "colour": A["colour"]}


# ----------------------------------------------------------------------------------------------
# EEG simulation
# ----------------------------------------------------------------------------------------------
def _topo(cx, cy, width):
    d2 = (CH_XY[:, 0] - cx) ** 2 + (CH_XY[:, 1] - cy) ** 2
    return np.exp(-d2 / (2 * width ** 2))


class EEGSubject:
    """One simulated subject: its own sources, latencies, gains, volume-conduction mixing, noise."""

    N_LATE = 8

    def __init__(self, subject_seed: int, index: int):
        rng = np.random.default_rng(10_000 + 97 * subject_seed + index)
        pop = np.random.default_rng(4242)  # population-level (shared) tuning
        self.index = index
        j = lambda s=0.08: rng.normal(0, s)
        # sources: (x, y, width, sign)
        src = [(-0.42 + j(), -0.78 + j(), 0.28, +1.0),  # P1 left hemisphere
               (0.42 + j(), -0.78 + j(), 0.28, +1.0),   # P1 right hemisphere
               (-0.62 + j(), -0.55 + j(), 0.3, -1.0),   # N1 left occipito-temporal
               (0.62 + j(), -0.55 + j(), 0.3, -1.0),    # N1 right
               (0.0 + j(), -0.85 + j(), 0.3, +1.0),     # chromatic (V4-ish, midline)
               (0.0 + j(), -0.3 + j(), 0.45, +1.0)]     # P3 centro-parietal
        late_xy = pop.uniform([-0.8, -0.8], [0.8, 0.5], size=(self.N_LATE, 2))
        for k in range(self.N_LATE):
            src.append((late_xy[k, 0] + j(0.1), late_xy[k, 1] + j(0.1), 0.32, 1.0))
        self.topos = np.stack([_topo(x, y, w) * s for x, y, w, s in src], 1)  # [C, K]
        # volume conduction / reference: subject-specific smooth channel mixing
        d = np.sqrt(((CH_XY[:, None, :] - CH_XY[None, :, :]) ** 2).sum(-1))
        mix = np.exp(-d ** 2 / (2 * rng.uniform(0.12, 0.22) ** 2))
        mix = mix / mix.sum(1, keepdims=True)
        self.mix = (0.6 * np.eye(63) + 0.4 * mix) * rng.uniform(0.85, 1.15, size=(63, 1))
        self.gain = rng.uniform(0.75, 1.3) * 1.6
        self.lat_shift = rng.normal(0, 0.012)
        self.colour_lat = rng.normal(0, 0.008, size=8)
        self.chroma_w = rng.normal(0, 1, size=2) + pop.normal(0, 1, size=2)
        # late semantic components: population tuning + subject perturbation
        F = 31
        self.U = pop.normal(0, 1, size=(self.N_LATE, F)) + 0.5 * rng.normal(0, 1, size=(self.N_LATE, F))
        self.V = pop.normal(0, 1, size=(self.N_LATE, F)) + 0.5 * rng.normal(0, 1, size=(self.N_LATE, F))
        self.late_lat = pop.uniform(0.2, 0.46, size=self.N_LATE) + rng.normal(0, 0.015, size=self.N_LATE)
        self.late_w = pop.uniform(0.03, 0.07, size=self.N_LATE)
        self.shape_lat = pop.normal(0, 0.02, size=6)
        self.alpha_f = rng.uniform(9.0, 11.5)
        self.alpha_topo = _topo(0.0 + j(), -0.75 + j(), 0.45)
        self.alpha_amp = rng.uniform(3.0, 7.0)
        self.line_amp = rng.uniform(0.3, 2.5, size=63)
        self.noise_topos = np.stack([_topo(*rng.uniform(-1, 1, 2), rng.uniform(0.2, 0.6)) for _ in range(24)], 1)
        self.pink_amp = rng.uniform(5.0, 8.0)
        self.sensor_noise = rng.uniform(1.0, 2.0)

    # evoked (noise-free) sources, [N, K, T]
    def evoked_sources(self, feat, rng, jitter=True):
        n = len(feat["contrast"])
        t = np.arange(N_SAMPLES) / SFREQ
        K = self.topos.shape[1]
        amp = np.zeros((n, K))
        lat = np.zeros((n, K))
        wid = np.zeros((n, K))
        osc = np.zeros((n, K))
        c = feat["contrast"]
        # P1: contralateral to stimulus position; latency shorter for higher contrast; colour-specific
        side = 1 / (1 + np.exp(-(feat["comx"] - 16) / 3.0))  # 1 = stimulus on the right
        vert = 1 / (1 + np.exp(-(feat["comy"] - 16) / 3.0))  # 1 = lower field
        base_lat = 0.095 + 0.03 * np.exp(-3 * c) + self.colour_lat[feat["colour"]]
        amp[:, 0] = 4.5 * np.sqrt(c) * (0.25 + 0.75 * side) * (1.2 - 0.4 * vert)
        amp[:, 1] = 4.5 * np.sqrt(c) * (0.25 + 0.75 * (1 - side)) * (0.8 + 0.4 * vert)
        lat[:, 0] = lat[:, 1] = base_lat
        wid[:, 0:2] = 0.016
        # N1: size and edge complexity, saturating
        n1 = 5.0 * np.tanh(0.8 + feat["size"] + 1.5 * feat["complexity"] * feat["size"]) * (0.5 + feat["complexity"])
        amp[:, 2] = n1 * (0.4 + 0.6 * side)
        amp[:, 3] = n1 * (0.4 + 0.6 * (1 - side))
        lat[:, 2:4] = (0.165 + 0.025 * feat["complexity"])[:, None]
        wid[:, 2:4] = 0.022
        # chromatic component: nonlinear in colour opponency
        ch = feat["chroma"] @ self.chroma_w
        amp[:, 4] = 3.5 * np.tanh(1.5 * ch) + 1.5 * np.abs(feat["chroma"]).sum(-1)
        lat[:, 4] = 0.135 + 0.02 * np.tanh(feat["chroma"][:, 0])
        wid[:, 4] = 0.025
        # P3: number of shapes, broad
        amp[:, 5] = 3.0 + 2.5 * (feat["n_shapes"] - 1)
        lat[:, 5] = 0.36
        wid[:, 5] = 0.06
        # late semantic components: amplitude tanh(U s) + interaction, latency by shape
        s = feat["semantic"]
        inter = np.tanh(s @ self.U.T) + 0.6 * np.tanh(s @ self.V.T) * np.tanh(s @ self.U.T)
        amp[:, 6:] = 3.2 * inter
        lat[:, 6:] = self.late_lat[None, :] + self.shape_lat[feat["shape"]][:, None]
        wid[:, 6:] = self.late_w[None, :]
        osc[:, 6:] = 6.0
        lat += self.lat_shift
        if jitter:
            lat += rng.uniform(-0.012, 0.012, size=(n, 1))  # trial onset jitter
            amp *= rng.lognormal(0, 0.15, size=(n, 1))      # trial-to-trial gain
        tt = t[None, None, :] - lat[:, :, None]
        w = np.exp(-tt ** 2 / (2 * wid[:, :, None] ** 2))
        w = w * np.cos(2 * np.pi * osc[:, :, None] * tt)
        return amp[:, :, None] * w * self.gain

    def noise(self, n, T, rng):
        t = np.arange(T) / SFREQ
        # spatially correlated pink (1/f) noise from 24 random sources + sensor noise
        white = rng.normal(0, 1, size=(n, 24, T))
        f = np.fft.rfftfreq(T, 1 / SFREQ)
        shape = 1 / np.sqrt(np.maximum(f, 0.5))
        pink = np.fft.irfft(np.fft.rfft(white, axis=-1) * shape, n=T, axis=-1)
        pink /= pink.std(axis=-1, keepdims=True) + 1e-9
        out = np.einsum("ck,nkt->nct", self.noise_topos, pink) * (self.pink_amp / 3.0)
        out += rng.normal(0, self.sensor_noise, size=(n, 63, T))
        # alpha rhythm, occipital, random phase and amplitude, slow envelope
        env = 1 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.2, 1.0, (n, 1)) * t[None] + rng.uniform(0, 6.3, (n, 1)))
        a = rng.lognormal(0, 0.4, (n, 1)) * self.alpha_amp * env * np.sin(
            2 * np.pi * (self.alpha_f + rng.normal(0, 0.3, (n, 1))) * t[None] + rng.uniform(0, 6.3, (n, 1)))
        out += self.alpha_topo[None, :, None] * a[:, None, :]
        # 50 Hz line noise, electrode-specific amplitude
        ph = rng.uniform(0, 6.3, (n, 1, 1))
        out += self.line_amp[None, :, None] * np.sin(2 * np.pi * 50 * t[None, None, :] + ph)
        # slow drift
        out += rng.normal(0, 2.0, (n, 63, 1)) * (t[None, None, :] - t.mean())
        return out

    def trials(self, feat, rng, chunk=500):
        n = len(feat["contrast"])
        out = np.zeros((n, 63, N_SAMPLES), np.float32)
        for i in range(0, n, chunk):
            sl = slice(i, min(n, i + chunk))
            sub = {k: v[sl] for k, v in feat.items()}
            ev = np.einsum("ck,nkt->nct", self.topos, self.evoked_sources(sub, rng))
            x = ev + self.noise(len(sub["contrast"]), N_SAMPLES, rng)
            out[sl] = np.einsum("cd,ndt->nct", self.mix, x).astype(np.float32)
        return out

    def continuous(self, feat, onsets_s, duration_s, rng):
        """Continuous recording [63, T] with evoked responses at the given onsets (seconds)."""
        T = int(round(duration_s * SFREQ))
        x = self.noise(1, T, rng)[0]
        ev = np.einsum("ck,nkt->nct", self.topos, self.evoked_sources(feat, rng))
        for i, on in enumerate(onsets_s):
            s0 = int(round(on * SFREQ))
            L = min(N_SAMPLES, T - s0)
            x[:, s0:s0 + L] += ev[i, :, :L]
        return (self.mix @ x).astype(np.float32)


# ----------------------------------------------------------------------------------------------
# fMRI simulation
# ----------------------------------------------------------------------------------------------
VOL_SHAPE = (40, 48, 24)


class FMRISubject:
    def __init__(self, subject_seed: int, index: int):
        rng = np.random.default_rng(20_000 + 131 * subject_seed + index)
        pop = np.random.default_rng(777)
        self.index = index
        self.n_vox = int(rng.integers(1500, 3001))
        # mask: the n_vox voxels nearest to an occipital centre under an anisotropic noisy metric
        g = np.stack(np.meshgrid(*[np.arange(s) for s in VOL_SHAPE], indexing="ij"), -1).reshape(-1, 3).astype(np.float64)
        centre = np.array([20, 8, 11]) + rng.normal(0, 1.0, 3)
        scale = np.array([1.0, 0.8, 1.4]) * rng.uniform(0.9, 1.1, 3)
        dist = np.sqrt((((g - centre) / scale) ** 2).sum(-1)) + rng.normal(0, 0.35, len(g))
        idx = np.sort(np.argsort(dist)[:self.n_vox])
        self.mask = np.zeros(int(np.prod(VOL_SHAPE)), np.uint8)
        self.mask[idx] = 1
        self.mask = self.mask.reshape(VOL_SHAPE)
        self.coords = g[idx]  # voxel order = C-order of the mask
        rel = (self.coords - centre) / (np.abs(self.coords - centre).max(0) + 1e-6)
        # retinotopy: x (left-right hemisphere) -> contralateral visual x, z -> visual y, y -> eccentricity / hierarchy
        hier = np.clip((self.coords[:, 1] - self.coords[:, 1].min()) / (np.ptp(self.coords[:, 1]) + 1e-6), 0, 1)
        self.prf_x = 16 - 12 * rel[:, 0] + rng.normal(0, 2.0, self.n_vox)
        self.prf_y = 16 + 12 * rel[:, 2] + rng.normal(0, 2.0, self.n_vox)
        self.prf_s = 1.5 + 5.0 * hier + rng.uniform(0, 1.0, self.n_vox)
        self.col_w = rng.normal(0, 1, (self.n_vox, 3)) * np.array([1.0, 0.7, 0.7])
        self.semantic_frac = np.clip(hier * 0.9 + rng.normal(0, 0.1, self.n_vox), 0.05, 0.95)
        F = 31
        self.Wa = pop.normal(0, 1, (48, F))
        self.Wv = rng.normal(0, 1, (self.n_vox, 48)) / np.sqrt(48)
        self.noise_sd = rng.uniform(0.6, 0.9)
        self.gain = rng.uniform(0.8, 1.2, self.n_vox)

    def clean(self, imgs_u8, feat, chunk=500):
        n = len(imgs_u8)
        out = np.zeros((n, self.n_vox), np.float64)
        xs = np.arange(IMG) + 0.5
        gx = np.exp(-(xs[None, :] - self.prf_x[:, None]) ** 2 / (2 * self.prf_s[:, None] ** 2))
        gy = np.exp(-(xs[None, :] - self.prf_y[:, None]) ** 2 / (2 * self.prf_s[:, None] ** 2))
        gx /= gx.sum(1, keepdims=True)
        gy /= gy.sum(1, keepdims=True)
        for i in range(0, n, chunk):
            x = imgs_u8[i:i + chunk].astype(np.float64) / 255.0
            lum = x.mean(-1)
            rg = x[..., 0] - x[..., 1]
            by = x[..., 2] - 0.5 * (x[..., 0] + x[..., 1])
            chans = np.stack([lum - lum.mean((1, 2), keepdims=True), rg, by], 1)  # [n,3,32,32]
            # pRF-weighted features: sum_y sum_x gy[v,y] gx[v,x] chan[n,c,y,x]
            r = np.einsum("vy,ncyx,vx->nvc", gy, chans, gx, optimize=True)
            retino = np.sqrt(np.abs((r * self.col_w[None]).sum(-1)) + 1e-6) * 2.0  # compressive (CSS)
            sem = np.tanh(feat["semantic"][i:i + chunk] @ self.Wa.T) @ self.Wv.T
            sem = np.maximum(sem, 0) * 1.5
            f = self.semantic_frac[None]
            out[i:i + chunk] = ((1 - f) * retino + f * sem) * self.gain[None]
        return out

    def betas(self, clean, rng, stats=None):
        """Noisy single-trial betas, z-scored per voxel (NSD convention) with the given stats."""
        y = clean + rng.normal(0, self.noise_sd, clean.shape) * clean.std(0, keepdims=True).mean()
        if stats is None:
            stats = (y.mean(0), y.std(0) + 1e-6)
        return ((y - stats[0]) / stats[1]).astype(np.float32), stats

    def to_volume(self, vec):
        vol = np.zeros(VOL_SHAPE, np.float32)
        vol[self.mask.astype(bool)] = vec
        return vol


# ----------------------------------------------------------------------------------------------
# adaptive max pooling (identical to the Java implementation; ALGORITHMS.md section 2)
# ----------------------------------------------------------------------------------------------
def adaptive_max_pool(x: np.ndarray, P: int) -> np.ndarray:
    V = x.shape[-1]
    out = np.empty(x.shape[:-1] + (P,), np.float32)
    for i in range(P):
        s = (i * V) // P
        e = -((-(i + 1) * V) // P)
        out[..., i] = x[..., s:e].max(-1)
    return out


# ----------------------------------------------------------------------------------------------
# writers: NPY, EDF+, NIfTI-1
# ----------------------------------------------------------------------------------------------
def _f(s, n):
    s = str(s)
    if len(s) > n:
        s = s[:n]
    return s.ljust(n).encode("ascii")


def _num(v, n):
    s = ("%.6g" % v) if isinstance(v, float) else str(v)
    if len(s) > n:
        s = ("%." + str(max(1, n - 6)) + "g") % v
    return _f(s, n)


def write_edf(path, data_uv, sfreq, ch_names, annotations, phys_range=(-500.0, 500.0),
              start="29.11.26", start_time="08.00.00"):
    """EDF+C writer: data_uv [C,T] in microvolts, annotations = [(onset_s, duration_s|None, text)].
    16-bit samples, 1-second data records, an 'EDF Annotations' signal with per-record time stamps."""
    C, T = data_uv.shape
    spr = int(sfreq)
    n_rec = int(math.ceil(T / spr))
    pad = np.zeros((C, n_rec * spr), np.float64)
    pad[:, :T] = data_uv
    pmin, pmax = phys_range
    dmin, dmax = -32768, 32767
    dig = np.round((np.clip(pad, pmin, pmax) - pmin) / (pmax - pmin) * (dmax - dmin) + dmin).astype("<i2")
    # annotations per record
    tals = [[] for _ in range(n_rec)]
    for on, dur, txt in annotations:
        r = min(int(on // 1), n_rec - 1)
        d = "" if dur is None else "\x15" + ("%g" % dur)
        tals[r].append(("+%g" % on) + d + "\x14" + txt + "\x14\x00")
    recs = []
    for r in range(n_rec):
        s = ("+%d\x14\x14\x00" % r) + "".join(tals[r])
        recs.append(s.encode("latin-1"))
    ann_bytes = max(len(b) for b in recs)
    ann_spr = int(math.ceil(max(ann_bytes, 60) / 2))
    ns = C + 1
    h = b"".join([_f("0", 8), _f("X X X X", 80), _f("Startdate 29-NOV-2026 X NeuroShapes-sim X", 80),
                  _f(start, 8), _f(start_time, 8), _num(256 * (ns + 1), 8), _f("EDF+C", 44),
                  _num(n_rec, 8), _f("1", 8), _num(ns, 4)])
    labels = ["EEG " + c for c in ch_names] + ["EDF Annotations"]
    h += b"".join(_f(l, 16) for l in labels)
    h += b"".join(_f("AgAgCl electrode", 80) for _ in ch_names) + _f("", 80)
    h += b"".join(_f("uV", 8) for _ in ch_names) + _f("", 8)
    h += b"".join(_num(pmin, 8) for _ in ch_names) + _num(-1, 8)
    h += b"".join(_num(pmax, 8) for _ in ch_names) + _num(1, 8)
    h += b"".join(_num(dmin, 8) for _ in ch_names) + _num(-32768, 8)
    h += b"".join(_num(dmax, 8) for _ in ch_names) + _num(32767, 8)
    h += b"".join(_f("HP:0.1Hz LP:100Hz", 80) for _ in ch_names) + _f("", 80)
    h += b"".join(_num(spr, 8) for _ in ch_names) + _num(ann_spr, 8)
    h += b"".join(_f("", 32) for _ in range(ns))
    assert len(h) == 256 * (ns + 1)
    with open(path, "wb") as fh:
        fh.write(h)
        for r in range(n_rec):
            fh.write(dig[:, r * spr:(r + 1) * spr].tobytes())
            fh.write(recs[r].ljust(ann_spr * 2, b"\x00"))


def read_edf(path):
    """Minimal EDF(+) reader used by the tests: returns (data_uv [C,T], sfreq, labels, annotations)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    ns = int(raw[252:256])
    n_rec = int(raw[236:244])
    dur = float(raw[244:252])
    off = 256

    def field(width):
        nonlocal off
        vals = [raw[off + i * width: off + (i + 1) * width].decode("ascii").strip() for i in range(ns)]
        off += width * ns
        return vals
    labels = field(16); field(80); field(8)
    pmin = np.array(field(8), float); pmax = np.array(field(8), float)
    dmin = np.array(field(8), float); dmax = np.array(field(8), float)
    field(80); spr = np.array(field(8), int); field(32)
    pos = 256 * (ns + 1)
    sig = [[] for _ in range(ns)]
    ann = []
    for _ in range(n_rec):
        for s in range(ns):
            b = raw[pos:pos + 2 * spr[s]]
            pos += 2 * spr[s]
            if labels[s] == "EDF Annotations":
                for tal in b.split(b"\x00"):
                    if not tal:
                        continue
                    parts = tal.decode("latin-1").split("\x14")
                    head = parts[0].split("\x15")
                    for txt in parts[1:]:
                        if txt:
                            ann.append((float(head[0]), float(head[1]) if len(head) > 1 else None, txt))
            else:
                d = np.frombuffer(b, "<i2").astype(np.float64)
                sig[s].append((d - dmin[s]) / (dmax[s] - dmin[s]) * (pmax[s] - pmin[s]) + pmin[s])
    eeg_idx = [i for i in range(ns) if labels[i] != "EDF Annotations"]
    data = np.stack([np.concatenate(sig[i]) for i in eeg_idx])
    return data, spr[eeg_idx[0]] / dur, [labels[i] for i in eeg_idx], ann


def write_nifti(path, vol, affine=None):
    import nibabel as nib
    if affine is None:
        affine = np.diag([2.0, 2.0, 2.0, 1.0])  # 2 mm isotropic
    img = nib.Nifti1Image(vol, affine)
    img.header.set_xyzt_units("mm", "sec")
    nib.save(img, path)


# ----------------------------------------------------------------------------------------------
# full data set
# ----------------------------------------------------------------------------------------------
def generate(out_dir, seed=0, subject_seed=None, n_train=8000, n_val=500, n_test=200, n_subjects=4,
             eeg_test_reps=4, fmri_train=4000, fmri_test_reps=3, eeg=True, fmri=True, log=print):
    """Writes the data set as NPY files (+ meta.json). Subjects come from subject_seed (default seed):
    a fresh --seed with --subject-seed 0 gives new stimuli/trials for the trained subjects."""
    subject_seed = seed if subject_seed is None else subject_seed
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.time()
    splits = {"train": make_stimuli(n_train, seed * 1000 + 1, "exclude"),
              "val": make_stimuli(n_val, seed * 1000 + 2, "exclude"),
              "test": make_stimuli(n_test, seed * 1000 + 3, "only")}
    meta = {"seed": seed, "subject_seed": subject_seed, "shapes": SHAPES, "colours": COLOURS, "sizes": SIZES,
            "positions": POSITIONS, "heldout_concepts": HELDOUT_CONCEPTS, "channels": CHANNELS,
            "sfreq": SFREQ, "eeg_unit": "uV", "epoch_s": [0.0, 1.0], "splits": {}}
    feats = {}
    for name, (imgs, attrs) in splits.items():
        np.save(f"{out_dir}/{name}_images.npy", imgs)
        A = attr_arrays(attrs)
        np.savez(f"{out_dir}/{name}_attrs.npz", **A)
        with open(f"{out_dir}/{name}_text.json", "w") as fh:
            json.dump([{"caption": a["caption"], "qa": a["qa"]} for a in attrs], fh)
        feats[name] = stim_features(imgs, attrs)
        meta["splits"][name] = len(imgs)
    log(f"stimuli: {time.time() - t0:.1f}s")
    rng = np.random.default_rng(seed * 7919 + 5)
    if eeg:
        meta["eeg_subjects"] = []
        for s in range(n_subjects):
            subj = EEGSubject(subject_seed, s)
            np.save(f"{out_dir}/eeg_sub{s:02d}_train.npy", subj.trials(feats["train"], rng))
            np.save(f"{out_dir}/eeg_sub{s:02d}_val.npy", subj.trials(feats["val"], rng))
            reps = np.stack([subj.trials(feats["test"], rng) for _ in range(eeg_test_reps)], 1)
            np.save(f"{out_dir}/eeg_sub{s:02d}_test.npy", reps)  # [n_test, reps, 63, 250]
            meta["eeg_subjects"].append(f"sub-{s + 1:02d}")
            log(f"eeg subject {s}: {time.time() - t0:.1f}s")
    if fmri:
        meta["fmri_subjects"] = []
        for s in range(n_subjects):
            subj = FMRISubject(subject_seed, s)
            ntr = min(fmri_train, n_train)
            sel = np.sort(np.random.default_rng(seed * 31 + s).choice(n_train, ntr, replace=False))
            imgs_tr = splits["train"][0][sel]
            f_tr = {k: v[sel] for k, v in feats["train"].items()}
            b_tr, stats = subj.betas(subj.clean(imgs_tr, f_tr), rng)
            b_val, _ = subj.betas(subj.clean(splits["val"][0], feats["val"]), rng, stats)
            ct = subj.clean(splits["test"][0], feats["test"])
            b_te = np.stack([subj.betas(ct, rng, stats)[0] for _ in range(fmri_test_reps)], 1)
            np.save(f"{out_dir}/fmri_subj{s + 1:02d}_train.npy", b_tr)
            np.save(f"{out_dir}/fmri_subj{s + 1:02d}_train_index.npy", sel)
            np.save(f"{out_dir}/fmri_subj{s + 1:02d}_val.npy", b_val)
            np.save(f"{out_dir}/fmri_subj{s + 1:02d}_test.npy", b_te)  # [n_test, 3, V]
            np.save(f"{out_dir}/fmri_subj{s + 1:02d}_mask.npy", subj.mask)
            meta["fmri_subjects"].append({"name": f"subj{s + 1:02d}", "n_voxels": subj.n_vox})
            log(f"fmri subject {s} ({subj.n_vox} voxels): {time.time() - t0:.1f}s")
    meta["wall_seconds"] = round(time.time() - t0, 1)
    with open(f"{out_dir}/meta.json", "w") as fh:
        json.dump(meta, fh, indent=1)
    return meta


def load(out_dir):
    """Loads a generated data set into a dict of arrays (EEG/fMRI memory-mapped)."""
    with open(f"{out_dir}/meta.json") as fh:
        meta = json.load(fh)
    d = {"meta": meta}
    for name in meta["splits"]:
        d[f"{name}_images"] = np.load(f"{out_dir}/{name}_images.npy")
        d[f"{name}_attrs"] = dict(np.load(f"{out_dir}/{name}_attrs.npz"))
        with open(f"{out_dir}/{name}_text.json") as fh:
            d[f"{name}_text"] = json.load(fh)
    return d


def write_samples(out_dir, seed=0):
    """The small committed sample set: PNGs, EEG trials (NPY) + one EDF+ recording with event onsets,
    fMRI vectors (NPY) + one NIfTI-1 volume and mask, index.json with ground-truth labels."""
    from PIL import Image
    os.makedirs(out_dir, exist_ok=True)
    imgs, attrs = make_stimuli(8, seed * 1000 + 3, "only")
    imgs2, attrs2 = make_stimuli(4, seed * 1000 + 2, "exclude")
    imgs = np.concatenate([imgs, imgs2])
    attrs = attrs + attrs2
    feat = stim_features(imgs, attrs)
    rng = np.random.default_rng(99 + seed)
    index = {"seed": seed, "subject_seed": seed, "note": "NeuroShapes sample set (simulated data)",
             "channels": CHANNELS, "sfreq": SFREQ, "eeg_unit": "uV", "stimuli": [], "eeg": [], "fmri": []}
    for i, a in enumerate(attrs):
        fn = f"stim_{i:02d}.png"
        Image.fromarray(imgs[i]).save(f"{out_dir}/{fn}")
        index["stimuli"].append({"id": i, "file": fn, "caption": a["caption"], "shape": SHAPES[a["shape"]],
                                 "colour": COLOURS[a["colour"]], "size": SIZES[a["size"]],
                                 "position": POSITIONS[a["position"]], "n_shapes": a["n_shapes"],
                                 "heldout_concept": a["heldout"], "qa": a["qa"]})
    for s in range(2):
        subj = EEGSubject(seed, s)
        x = subj.trials(feat, rng)
        fn = f"eeg_sub-{s + 1:02d}_trials.npy"
        np.save(f"{out_dir}/{fn}", x)
        index["eeg"].append({"file": fn, "subject": s, "subject_name": f"sub-{s + 1:02d}", "shape": list(x.shape),
                             "stimulus_ids": list(range(len(attrs)))})
    # continuous EDF+ recording (subject 0): 12 stimuli at ~1.6 s intervals
    subj = EEGSubject(seed, 0)
    onsets = [1.0 + 1.6 * i + float(rng.uniform(0, 0.2)) for i in range(len(attrs))]
    dur = onsets[-1] + 2.0
    rec = subj.continuous(feat, onsets, dur, rng)
    ann = [(round(o, 3), None, f"stim/{i:02d}") for i, o in enumerate(onsets)]
    write_edf(f"{out_dir}/eeg_sub-01_run-01.edf", rec, SFREQ, CHANNELS,
              [(round(o, 3), None, f"stim/{i:02d}") for i, o in enumerate(onsets)])
    index["edf"] = {"file": "eeg_sub-01_run-01.edf", "subject": 0, "subject_name": "sub-01",
                    "format": "EDF+C, 16-bit, 1 s records, physical range +-500 uV",
                    "events": [{"onset_s": o, "annotation": t, "stimulus_id": i} for i, (o, _, t) in enumerate(ann)],
                    "epoch_s": [0.0, 1.0]}
    for s in range(2):
        fsub = FMRISubject(seed, s)
        # stats from a small reference set so vectors are z-scored like the training data
        ref_imgs, ref_attrs = make_stimuli(400, seed * 1000 + 1, "exclude")
        _, stats = fsub.betas(fsub.clean(ref_imgs, stim_features(ref_imgs, ref_attrs)), rng)
        b, _ = fsub.betas(fsub.clean(imgs, feat), rng, stats)
        fn = f"fmri_subj{s + 1:02d}_betas.npy"
        np.save(f"{out_dir}/{fn}", b)
        index["fmri"].append({"file": fn, "subject": f"subj{s + 1:02d}", "n_voxels": fsub.n_vox,
                              "shape": list(b.shape), "stimulus_ids": list(range(len(attrs))),
                              "normalisation": "z-scored per voxel"})
        if s == 0:
            write_nifti(f"{out_dir}/fmri_subj01_stim00_bold.nii.gz", fsub.to_volume(b[0]))
            write_nifti(f"{out_dir}/fmri_subj01_mask.nii.gz", fsub.mask.astype(np.uint8))
            index["nifti"] = {"volume": "fmri_subj01_stim00_bold.nii.gz", "mask": "fmri_subj01_mask.nii.gz",
                              "subject": "subj01", "stimulus_id": 0, "shape": list(VOL_SHAPE),
                              "voxel_order": "C-order (x slowest) over mask > 0 == fmri_subj01_betas.npy columns"}
    with open(f"{out_dir}/index.json", "w") as fh:
        json.dump(index, fh, indent=1)
    return index


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--subject-seed", type=int, default=None,
                    help="seed of the simulated subjects (default: --seed); use 0 to evaluate trained subjects on fresh stimuli")
    ap.add_argument("--out", default=None, help="output dir (default models/.data/neuroshapes-seed<seed>)")
    ap.add_argument("--n-train", type=int, default=8000)
    ap.add_argument("--n-val", type=int, default=500)
    ap.add_argument("--n-test", type=int, default=200)
    ap.add_argument("--subjects", type=int, default=4)
    ap.add_argument("--no-eeg", action="store_true")
    ap.add_argument("--no-fmri", action="store_true")
    ap.add_argument("--samples", action="store_true", help="write the small sample set (models/samples) instead")
    a = ap.parse_args()
    if a.samples:
        out = a.out or os.path.join(os.path.dirname(__file__), "..", "samples")
        idx = write_samples(out, a.seed)
        print(f"wrote sample set to {out}: {len(idx['stimuli'])} stimuli")
        return
    out = a.out or os.path.join(os.path.dirname(__file__), "..", ".data", f"neuroshapes-seed{a.seed}")
    meta = generate(out, a.seed, a.subject_seed, a.n_train, a.n_val, a.n_test, a.subjects,
                    eeg=not a.no_eeg, fmri=not a.no_fmri)
    print(json.dumps({k: meta[k] for k in ("seed", "subject_seed", "splits", "wall_seconds")}))


if __name__ == "__main__":
    main()
