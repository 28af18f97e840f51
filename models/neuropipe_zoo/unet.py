"""Conditional diffusion UNet (epsilon prediction, FiLM conditioning on the image embedding E, CFG null = 0),
exported as `unet-encoder` (conv_in + down + mid) and `unet-decoder` (up + conv_out) for Faster-Diffusion
encoder propagation.

python -m neuropipe_zoo.unet train --hours 3          (background; resumable from $CACHE/unet.pt)
python -m neuropipe_zoo.unet export                   (exports the latest checkpoint's EMA weights)
python -m neuropipe_zoo.unet sample --out grid.png    (DDIM samples for a quick look)
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import common as C
from . import neuroshapes as ns

T_STEPS = 1000
BETA_START, BETA_END = 1e-4, 0.02
COND_SCALE = math.sqrt(C.E_DIM)  # rescale the unit-norm condition to unit-variance entries
CH = (32, 64, 96, 128)
EMB = 128


def schedule():
    betas = np.linspace(BETA_START, BETA_END, T_STEPS, dtype=np.float64)
    return np.cumprod(1.0 - betas)


def timestep_embedding(t, dim=64):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(a), torch.cos(a)], -1)


class Embed(nn.Module):
    """Timestep + condition embedding; both graphs own a copy (shared weights at export)."""

    def __init__(self):
        super().__init__()
        self.t = nn.Sequential(nn.Linear(64, EMB), nn.SiLU(), nn.Linear(EMB, EMB))
        self.c = nn.Sequential(nn.Linear(C.E_DIM, EMB), nn.SiLU(), nn.Linear(EMB, EMB))

    def forward(self, timestep, condition):
        return F.silu(torch.cat([self.t(timestep_embedding(timestep)), self.c(condition * COND_SCALE)], -1))


class FiLMConv(nn.Module):
    """GroupNorm -> FiLM (scale/shift from the embedding) -> SiLU -> conv."""

    def __init__(self, cin, cout, k=3):
        super().__init__()
        self.norm = nn.GroupNorm(min(8, cin // 4), cin)
        self.film = nn.Linear(2 * EMB, 2 * cin)
        nn.init.zeros_(self.film.weight); nn.init.zeros_(self.film.bias)
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2)

    def forward(self, x, e):
        s, b = self.film(e)[:, :, None, None].chunk(2, 1)
        return self.conv(F.silu(self.norm(x) * (1 + s) + b))


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = FiLMConv(cin, cout)
        self.b = FiLMConv(cout, cout)
        nn.init.zeros_(self.b.conv.weight); nn.init.zeros_(self.b.conv.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, e):
        return self.skip(x) + self.b(self.a(x, e), e)


class LightUp(nn.Module):
    """Light decoder block: 1x1 merge of upsampled features and skip, then one FiLM conv (residual)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.merge = nn.Conv2d(cin, cout, 1)
        self.conv = FiLMConv(cout, cout)

    def forward(self, x, e):
        h = self.merge(x)
        return h + self.conv(h, e)


class UNetEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = Embed()
        self.conv_in = nn.Conv2d(3, CH[0], 3, padding=1)
        self.down = nn.ModuleList([ResBlock(CH[0], CH[0]), ResBlock(CH[1], CH[1]), ResBlock(CH[2], CH[2])])
        self.ds = nn.ModuleList([nn.Conv2d(CH[i], CH[i + 1], 3, stride=2, padding=1) for i in range(3)])
        self.mid = nn.ModuleList([ResBlock(CH[3], CH[3]), ResBlock(CH[3], CH[3])])

    def forward(self, sample, timestep, condition):
        e = self.embed(timestep, condition)
        h = self.conv_in(sample)
        skips = []
        for blk, ds in zip(self.down, self.ds):
            h = blk(h, e)
            skips.append(h)
            h = ds(h)
        for m in self.mid:
            h = m(h, e)
        return skips[0], skips[1], skips[2], h


class UNetDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = Embed()
        self.up = nn.ModuleList([LightUp(CH[3] + CH[2], CH[2]), LightUp(CH[2] + CH[1], CH[1]),
                                 LightUp(CH[1] + CH[0], CH[0])])
        self.out_norm = nn.GroupNorm(8, CH[0])
        self.conv_out = nn.Conv2d(CH[0], 3, 3, padding=1)

    def forward(self, skip_0, skip_1, skip_2, mid, timestep, condition):
        e = self.embed(timestep, condition)
        h = mid
        for blk, s in zip(self.up, (skip_2, skip_1, skip_0)):
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = blk(torch.cat([h, s], 1), e)
        return self.conv_out(F.silu(self.out_norm(h)))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = UNetEncoder()
        self.dec = UNetDecoder()
        self.dec.embed = self.enc.embed  # one embedding module during training

    def forward(self, x, t, c):
        return self.dec(*self.enc(x, t, c), t, c)


def split_for_export(model):
    """Separate encoder/decoder modules (the decoder gets its own copy of the embedding weights)."""
    import copy
    enc = copy.deepcopy(model.enc).eval()
    dec = copy.deepcopy(model.dec).eval()
    dec.embed = copy.deepcopy(model.enc.embed)
    return enc, dec


def training_set():
    """24k training-world images (8k train split + 16k CLIP extra set) with their image embeddings."""
    from . import clip
    p = os.path.join(C.CACHE, "unet_data.npz")
    if os.path.exists(p) and os.path.getmtime(p) > clip.embeddings_mtime():
        z = np.load(p)
        return z["images"], z["emb"]
    data = ns.load(C.ensure_data(0))
    ex = clip.extra_set()
    imgs = np.concatenate([data["train_images"], ex["images"]])
    m, _ = clip.load_model()
    # one ViT pass gives both the embeddings (UNet/LM brain prefix) and the patch tokens (LM vision prefix)
    emb = np.zeros((len(imgs), C.E_DIM), np.float32)
    patches = np.zeros((len(imgs), 256, 64), np.float16)
    with torch.no_grad():
        for i in range(0, len(imgs), 256):
            pt, _, e = m.image(torch.from_numpy(C.normalise_images(imgs[i:i + 256])))
            emb[i:i + 256] = e.numpy()
            patches[i:i + 256] = pt.numpy().astype(np.float16)
    np.save(os.path.join(C.CACHE, "patches_train24k.npy"), patches)
    np.savez(p, images=imgs, emb=emb)
    return imgs, emb


def train(hours, seed=0, bs=32, lr=4e-4, p_uncond=0.15, ckpt_every=180):
    torch = C.setup_torch(1)
    torch.manual_seed(seed)
    log = C.log_to(os.path.join(C.CACHE, "unet.log"))
    imgs, emb = training_set()
    X = torch.from_numpy(imgs.astype(np.float32) / 127.5 - 1.0).permute(0, 3, 1, 2).contiguous()
    Em = torch.from_numpy(emb)
    abar = torch.from_numpy(schedule()).float()
    model = UNet()
    ema = UNet(); ema.load_state_dict(model.state_dict()); ema.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    cp = C.ckpt_path("unet")
    step, wall, restart = 0, 0.0, 0
    if os.path.exists(cp):
        ck = torch.load(cp, map_location="cpu")
        model.load_state_dict(ck["model"]); ema.load_state_dict(ck["ema"])
        if ck["opt"] is not None:
            opt.load_state_dict(ck["opt"])
        step, wall = ck["step"], ck["wall"]
        restart = ck.get("restart_step", 0)
        log(f"resumed at step {step} (wall {wall:.0f}s){'' if ck['opt'] else ' with a fresh optimizer'}")
    log(f"params {sum(p.numel() for p in model.parameters())}, {len(X)} images")
    g = torch.Generator().manual_seed(seed * 1000 + step)
    timer = C.Timer()
    last = timer()
    run_loss = None
    while timer() < hours * 3600:
        idx = torch.randint(0, len(X), (bs,), generator=g)
        x0 = X[idx]
        c = Em[idx] * (torch.rand(bs, 1, generator=g) >= p_uncond).float()
        t = torch.randint(0, T_STEPS, (bs,), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        a = abar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = F.mse_loss(model(xt, t.float(), c), noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        for gr in opt.param_groups:
            gr["lr"] = lr * min(1.0, (step - restart + 1) / 500)  # (re)warm up a fresh optimizer
        opt.step()
        step += 1
        d = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm, alpha=1 - d)
        run_loss = loss.item() if run_loss is None else 0.98 * run_loss + 0.02 * loss.item()
        if step % 100 == 0:
            log(f"step {step} loss {run_loss:.4f} wall {wall + timer():.0f}s")
        if timer() - last > ckpt_every:
            save(model, ema, opt, step, wall + timer(), cp, restart)
            last = timer()
    save(model, ema, opt, step, wall + timer(), cp, restart)
    log(f"done: step {step}")


def save(model, ema, opt, step, wall, cp, restart=0):
    tmp = cp + ".tmp"
    torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
                "wall": wall, "restart_step": restart}, tmp)
    os.replace(tmp, cp)


def onnx_state_dict(onnx_path, module):
    """`module`'s state dict read back from the initializers of its exported graph. Parameters keep their names
    in the export; each GroupNorm's affine weight/bias is folded into an anonymous [C,1,1] Mul/Add constant,
    numbered in trace order, which is the module order."""
    import onnx
    from onnx import numpy_helper
    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(onnx_path).graph.initializer}
    folded = sorted((k for k in inits if k.startswith("onnx::")), key=lambda k: int(k.rsplit("_", 1)[1]))
    norms = [n for n, m in module.named_modules() if isinstance(m, nn.GroupNorm)]
    assert len(folded) == 2 * len(norms), f"{onnx_path}: {len(folded)} folded constants for {len(norms)} GroupNorms"
    sd = {}
    for n, (w, b) in zip(norms, zip(folded[0::2], folded[1::2])):
        assert w.startswith("onnx::Mul_") and b.startswith("onnx::Add_"), (w, b)
        sd[f"{n}.weight"], sd[f"{n}.bias"] = inits[w].reshape(-1), inits[b].reshape(-1)
    for k in module.state_dict():
        if k not in sd:
            sd[k] = inits[k]
    return {k: torch.from_numpy(v.copy()) for k, v in sd.items()}


def from_onnx(version=1):
    """The UNet rebuilt from the exported unet-encoder/unet-decoder graphs (the EMA weights of that export),
    checked against onnxruntime on random inputs; and the exported checkpoint's step / wall time."""
    import yaml
    de, dd = (os.path.join(C.REPO, n, str(version), "model.onnx") for n in ("unet-encoder", "unet-decoder"))
    model = UNet()
    esd, dsd = onnx_state_dict(de, model.enc), onnx_state_dict(dd, split_for_export(model)[1])
    for k in [k for k in dsd if k.startswith("embed.")]:
        assert torch.equal(dsd.pop(k), esd[k]), f"decoder's {k} differs from the encoder's"
    model.enc.load_state_dict(esd)
    model.dec.load_state_dict({**dsd, **{k: v for k, v in esd.items() if k.startswith("embed.")}})
    model.eval()
    se, sd = OrtHalf(de), OrtHalf(dd)
    g = torch.Generator().manual_seed(1)
    worst = 0.0
    for t in (999.0, 500.0, 37.0, 0.0):
        x = torch.randn(3, 3, 32, 32, generator=g)
        tt = torch.tensor([t, t / 2, 1.0])
        c = F.normalize(torch.randn(3, C.E_DIM, generator=g), dim=-1)
        c[2] = 0
        with torch.no_grad():
            ft, fo = model.enc(x, tt, c), se(x, tt, c)
            worst = max(worst, *(float((a - b).abs().max()) for a, b in zip(ft, fo)))
            worst = max(worst, float((model(x, tt, c) - sd(*fo, tt, c)).abs().max()))
    assert worst < 1e-4, f"torch UNet rebuilt from ONNX != onnxruntime ({worst:.2e})"
    with open(os.path.join(C.REPO, "unet-encoder", str(version), "model.yaml")) as fh:
        prov = yaml.safe_load(fh)["provenance"]
    return model, prov["steps"], float(prov["wall_seconds"]), worst


def init_from_onnx():
    """Writes $CACHE/unet.pt from the exported graphs (model = EMA = exported weights, fresh optimizer), so
    `train` continues the exported model when the training checkpoint is lost."""
    C.setup_torch(1)
    cp = C.ckpt_path("unet")
    assert not os.path.exists(cp), f"{cp} exists; it would be overwritten"
    model, step, wall, worst = from_onnx()
    torch.save({"model": model.state_dict(), "ema": model.state_dict(), "opt": None, "step": step, "wall": wall,
                "restart_step": step}, cp)
    print(f"torch vs onnxruntime max abs diff {worst:.2e}; wrote {cp} (step {step}, wall {wall:.0f}s)")


def load_ema():
    ck = torch.load(C.ckpt_path("unet"), map_location="cpu")
    m = UNet()
    m.load_state_dict(ck["ema"])
    m.eval()
    return m, ck


def ddim_timesteps(n=50):
    return np.linspace(T_STEPS - 1, 0, n).round().astype(np.int64)


KEY_STEPS = (0, 1, 2, 3, 5, 10, 15, 25, 35)


@torch.no_grad()
def ddim_sample(enc, dec, cond, steps=50, guidance=3.0, seed=0, propagate=False, key_steps=KEY_STEPS):
    """DDIM (eta 0) with classifier-free guidance. enc/dec: callables (torch modules or ORT wrappers).
    propagate=True: encoder only at key steps, cached skip/mid features reused in between (Faster Diffusion)."""
    abar = schedule()
    B = len(cond)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((B, 3, 32, 32), generator=g)
    z_T = x.clone()
    ts = ddim_timesteps(steps)
    cc = torch.cat([cond, torch.zeros_like(cond)])
    feats = None
    enc_calls = 0
    for i, t in enumerate(ts):
        tt = torch.full((2 * B,), float(t))
        if (not propagate) or i in key_steps or feats is None:
            feats = enc(torch.cat([x, x]), tt, cc)
            enc_calls += 1
        eps = dec(*feats, tt, cc)
        e_c, e_u = eps[:B], eps[B:]
        eps = e_u + guidance * (e_c - e_u)
        a_t = abar[t]
        a_prev = abar[ts[i + 1]] if i + 1 < len(ts) else 1.0
        x0 = (x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
        x0 = x0.clamp(-1, 1)
        eps = (x - math.sqrt(a_t) * x0) / math.sqrt(1 - a_t)
        x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
        if propagate and t < 500:
            x = x + 0.003 * z_T  # prior noise injection (Faster Diffusion)
    return x.clamp(-1, 1), enc_calls


def to_u8(x):
    return ((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().clip(0, 255).astype(np.uint8)


def export(version=1):
    C.setup_torch(1)
    model, ck = load_ema()
    enc, dec = split_for_export(model)
    B = 2
    x = torch.randn(B, 3, 32, 32)
    t = torch.tensor([999.0, 10.0])
    c = F.normalize(torch.randn(B, C.E_DIM), dim=-1)
    c[1] = 0
    with torch.no_grad():
        feats = enc(x, t, c)
        full = model(x, t, c)
        assert torch.allclose(dec(*feats, t, c), full, atol=1e-5), "encoder+decoder != full UNet"
    de = os.path.join(C.REPO, "unet-encoder", str(version))
    dd = os.path.join(C.REPO, "unet-decoder", str(version))
    names = ["skip_0", "skip_1", "skip_2", "mid"]
    dyn = {n: {0: "B"} for n in ["sample", "timestep", "condition", "noise_pred"] + names}
    C.export_onnx(enc, (x, t, c), os.path.join(de, "model.onnx"), ["sample", "timestep", "condition"], names, dyn)
    C.export_onnx(dec, (*feats, t, c), os.path.join(dd, "model.onnx"), names + ["timestep", "condition"],
                  ["noise_pred"], dyn)
    se, sd = C.ort_session(os.path.join(de, "model.onnx")), C.ort_session(os.path.join(dd, "model.onnx"))
    fo = se.run(None, {"sample": x.numpy(), "timestep": t.numpy(), "condition": c.numpy()})
    npred = sd.run(None, {**dict(zip(names, fo)), "timestep": t.numpy(), "condition": c.numpy()})[0]
    d_comp = float(np.abs(npred - full.numpy()).max())
    assert d_comp < 1e-4, f"ORT encoder+decoder != torch UNet ({d_comp})"
    print(f"ORT unet-encoder -> unet-decoder vs torch full UNet: max abs diff {d_comp:.2e}")
    fe = C.write_fixture(de, {"sample": x[:1].numpy(), "timestep": t[:1].numpy(), "condition": c[:1].numpy()})
    C.write_fixture(dd, {**{n: fe[n] for n in names}, "timestep": t[:1].numpy(), "condition": c[:1].numpy()})
    shapes = {"sample": [-1, 3, 32, 32], "timestep": [-1], "condition": [-1, C.E_DIM],
              "skip_0": [-1, CH[0], 32, 32], "skip_1": [-1, CH[1], 16, 16], "skip_2": [-1, CH[2], 8, 8],
              "mid": [-1, CH[3], 4, 4], "noise_pred": [-1, 3, 32, 32]}
    roles = {n: n for n in shapes}
    pre = {"num_train_timesteps": T_STEPS, "beta_schedule": "linear", "beta_start": BETA_START, "beta_end": BETA_END,
           "prediction_type": "epsilon", "pixel_range": [-1, 1], "pixel_layout": "NCHW RGB, x = u8/127.5 - 1",
           "image_size": 32, "null_condition": "zeros", "condition": "L2-normalised 128-d embedding (E space)",
           "condition_dropout": 0.15, "guidance_scale": 3.0, "sampler": "DDIM eta 0, 50 steps, timesteps round(linspace(999, 0, 50))",
           "skip_count": 3, "skips": {"skip_0": [CH[0], 32, 32], "skip_1": [CH[1], 16, 16], "skip_2": [CH[2], 8, 8]},
           "mid": [CH[3], 4, 4], "encoder_propagation": {"key_steps": list(KEY_STEPS), "uniform_every": 4,
                                                         "prior_noise_injection": {"below_t": 500, "scale": 0.003}}}
    flops = unet_flops(enc, dec)
    pre["macs_per_sample"] = flops
    hours = ck["wall"] / 3600
    prov = C.provenance("unet.py", "python -m neuropipe_zoo.unet train --hours H (resumable) && python -m neuropipe_zoo.unet export",
                        0, ck["wall"], steps=ck["step"], batch_size=32, ema_decay=0.999,
                        note=f"checkpoint after {ck['step']} steps ({hours:.2f} h on 1 CPU thread); EMA weights")
    common = dict(preprocessing=pre, labels={}, provenance=prov, evaluation={})
    C.write_card("unet-encoder", version, "Conditional UNet encoder half (conv_in + 3 down blocks + mid), FiLM conditioning",
                 roles, shapes, **common)
    C.write_card("unet-decoder", version, "Conditional UNet decoder half (light up path + conv_out), epsilon prediction",
                 roles, shapes, **common)
    print(f"exported UNet step {ck['step']} ({hours:.2f} h), macs {flops}")
    return ck


def unet_flops(enc, dec):
    """Multiply-accumulates per sample of each half (convs + linears), for the propagation speed-up bound."""
    counts = {}
    for name, mod in (("encoder", enc), ("decoder", dec)):
        tot = [0]
        hooks = []

        def hook(m, i, o):
            if isinstance(m, nn.Conv2d):
                tot[0] += o.numel() * m.in_channels * m.kernel_size[0] * m.kernel_size[1] // m.groups
            elif isinstance(m, nn.Linear):
                tot[0] += o.numel() * m.in_features
        for m in mod.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                hooks.append(m.register_forward_hook(hook))
        x = torch.randn(1, 3, 32, 32); t = torch.tensor([5.0]); c = torch.zeros(1, C.E_DIM)
        with torch.no_grad():
            if name == "encoder":
                mod(x, t, c)
            else:
                mod(*enc(x, t, c), t, c)
        for h in hooks:
            h.remove()
        counts[name] = int(tot[0])
    counts["decoder_share"] = round(counts["decoder"] / (counts["encoder"] + counts["decoder"]), 3)
    return counts


class OrtHalf:
    """Wraps an exported half so ddim_sample can call it like the torch module."""

    def __init__(self, path):
        self.s = C.ort_session(path)
        self.inames = [i.name for i in self.s.get_inputs()]

    def __call__(self, *args):
        out = self.s.run(None, {n: a.numpy().astype(np.float32) for n, a in zip(self.inames, args)})
        return tuple(torch.from_numpy(o) for o in out) if len(out) > 1 else torch.from_numpy(out[0])


def eval_generation(cond, attrs, n_steps=50, guidance=3.0, seed=0):
    """Generate from conditions with the exported ONNX halves (full vs encoder propagation) and score the
    primary shape's attributes with attribute-classifier/1 (ONNX)."""
    enc = OrtHalf(os.path.join(C.REPO, "unet-encoder", "1", "model.onnx"))
    dec = OrtHalf(os.path.join(C.REPO, "unet-decoder", "1", "model.onnx"))
    cls = C.ort_session(os.path.join(C.REPO, "attribute-classifier", "1", "model.onnx"))
    res, imgs = {}, {}
    for mode, prop in (("full", False), ("encoder_propagation", True)):
        t0 = time.time()
        outs, calls = [], 0
        for i in range(0, len(cond), 32):
            x, c = ddim_sample(enc, dec, torch.from_numpy(cond[i:i + 32]), n_steps, guidance, seed + i, propagate=prop)
            outs.append(to_u8(x)); calls = c
        u8 = np.concatenate(outs)
        dt = time.time() - t0
        logits = cls.run(None, {"pixel_values": C.normalise_images(u8)})
        r = {}
        for k, lg in zip(("shape", "colour", "size", "position"), logits):
            r[f"{k}_acc"] = round(float((lg.argmax(1) == attrs[k][:len(u8)]).mean()), 4)
        ok = np.all([lg.argmax(1) == attrs[k][:len(u8)] for k, lg in zip(("shape", "colour", "size", "position"), logits)], 0)
        r["all_correct"] = round(float(ok.mean()), 4)
        r["mean_attribute_acc"] = round(float(np.mean([r[f"{k}_acc"] for k in ("shape", "colour", "size", "position")])), 4)
        r["seconds"] = round(dt, 1)
        r["encoder_calls"] = calls
        res[mode] = r
        imgs[mode] = u8
    res["speedup"] = round(res["full"]["seconds"] / res["encoder_propagation"]["seconds"], 3)
    res["n"] = int(len(cond)); res["steps"] = n_steps; res["guidance"] = guidance
    return res, imgs


def score(split="val", n=256, guidance=3.0, out=None):
    """Generation accuracy of the exported halves in $NEUROPIPE_ZOO_REPO on seed-0 `split` (the selection set for
    a new export: val = new images of training concepts; never the fresh seed)."""
    import json
    from . import eeg
    C.setup_torch(1)
    d = ns.load(C.ensure_data(0))
    cond = eeg.image_targets(d, split)[:n]
    attrs = {k: v[:n] for k, v in d[f"{split}_attrs"].items()}
    r, _ = eval_generation(cond, attrs, guidance=guidance)
    print(json.dumps(r))
    if out:
        with open(out, "w") as fh:
            json.dump(r, fh, indent=1)
    return r


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "export", "sample", "init-from-onnx", "score"])
    ap.add_argument("--hours", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/unet_samples.png")
    ap.add_argument("--split", default="val", help="score: seed-0 split whose image embeddings condition the UNet")
    ap.add_argument("--n", type=int, default=256, help="score: images generated")
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--json", default=None, help="score: also write the result to this file")
    a = ap.parse_args()
    if a.cmd == "train":
        train(a.hours, a.seed)
    elif a.cmd == "export":
        export()
    elif a.cmd == "init-from-onnx":
        init_from_onnx()
    elif a.cmd == "score":
        score(a.split, a.n, a.guidance, a.json)
    else:
        C.setup_torch(1)
        from PIL import Image
        m, ck = load_ema()
        data = ns.load(C.ensure_data(0))
        from . import clip
        cm, _ = clip.load_model()
        cond = torch.from_numpy(clip.embed_images(cm, data["val_images"][:16]))
        x, _ = ddim_sample(m.enc, m.dec, cond)
        g = np.concatenate([np.concatenate(list(data["val_images"][:16]), 1), np.concatenate(list(to_u8(x)), 1)], 0)
        Image.fromarray(g).resize((g.shape[1] * 3, g.shape[0] * 3), Image.NEAREST).save(a.out)
        print("step", ck["step"], "->", a.out)
