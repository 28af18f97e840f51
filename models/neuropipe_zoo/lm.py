"""Small Llama (transformers LlamaForCausalLM) captioner / VQA model with vision-token and brain-embedding
prefixes, its exports in the Optimum decoder layout, and Medusa / Hydra draft heads.

python -m neuropipe_zoo.lm train --minutes 27        (LM + vision-projector + brain-projector; $CACHE/lm.pt; --colour-swap P)
python -m neuropipe_zoo.lm train --restart --minutes 12 --lr 1e-3 --colour-swap 0.5   (a new run from the checkpoint's weights)
python -m neuropipe_zoo.lm init-from-onnx            ($CACHE/lm.pt rebuilt from the exports when it is lost)
python -m neuropipe_zoo.lm heads --minutes 6         (Medusa + Hydra heads on the frozen LM; $CACHE/heads.pt)
python -m neuropipe_zoo.lm export                    (lm, lm-tree, lm-embed, lm-probe, projectors, heads)
python -m neuropipe_zoo.lm eval
python -m neuropipe_zoo.lm brain-eval [--write-cards]   (brain captioning through the exported EEG/fMRI encoders)
"""
from __future__ import annotations

import argparse
import math
import os
import re
import shutil

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import common as C
from . import neuroshapes as ns
from . import text as T

D = 128
LAYERS = 4
HEADS = 4
HD = D // HEADS
FF = 384
PB = 4  # brain prefix tokens
N_VIS = 256
DV = 64
PROBE_LAYERS = 2
N_MEDUSA = 3
MAX_POS = 512


def config(vocab):
    from transformers import LlamaConfig
    return LlamaConfig(vocab_size=vocab, hidden_size=D, intermediate_size=FF, num_hidden_layers=LAYERS,
                       num_attention_heads=HEADS, num_key_value_heads=HEADS, max_position_embeddings=MAX_POS,
                       rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False, bos_token_id=T.BOS,
                       eos_token_id=T.EOS, pad_token_id=T.PAD, attention_dropout=0.0)


class VisionProjector(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(DV, D), nn.GELU(), nn.Linear(D, D))

    def forward(self, patch_tokens):
        return self.net(patch_tokens)


class BrainProjector(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(C.E_DIM, 512), nn.GELU(), nn.Linear(512, PB * D))

    def forward(self, embedding):
        return self.net(embedding * math.sqrt(C.E_DIM)).reshape(-1, PB, D)


class VLM(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        from transformers import LlamaForCausalLM
        self.lm = LlamaForCausalLM(config(vocab))
        self.vis = VisionProjector()
        self.brain = BrainProjector()


# ---------------------------------------------------------------------------------------------- data
def text_items(entry, rng, p_caption=0.5):
    if rng.random() < p_caption:
        return T.CAPTION_PROMPT, entry["caption"]
    q, a = entry["qa"][rng.integers(len(entry["qa"]))]
    return T.qa_prompt(q), a


class ColourSwap:
    """Teacher-forcing input corruption: each colour word of the INPUT text is replaced, with probability p,
    by another colour; the targets stay true. The caption grammar puts the colour right before the shape
    ("a small orange circle"), so without this the LM predicts the shape from a colour->shape prior of the
    previous word, which names a seen shape for every unseen (shape, colour) pair; with it, the shape has to
    come from the prefix. Colours in the prompt are swapped only where `prompt_too` (a question whose colour
    does not pick one of two shapes)."""

    def __init__(self, tok, p, rng):
        self.ids = np.array([tok.token_to_id("\u2581" + c) for c in ns.COLOURS])
        assert (self.ids != None).all(), "every colour must be one token"
        self.members = set(self.ids.tolist())
        self.p = p
        self.rng = rng

    def __call__(self, prompt_ids, answer_ids, prompt_too):
        seq = list(prompt_ids) + list(answer_ids)
        for j in range(0 if prompt_too else len(prompt_ids), len(seq)):
            if seq[j] in self.members and self.rng.random() < self.p:
                seq[j] = int(self.rng.choice(self.ids[self.ids != seq[j]]))
        return seq


def swappable_prompt(entry, prompt):
    """True when swapping the colour word of `prompt` keeps the question answerable (one shape in the image)."""
    return prompt == T.CAPTION_PROMPT or entry.get("n_shapes", 2) == 1


def build_batch(model, tok, prefix, prefix_pos, prompts, answers, corrupt=None, prompt_too=None):
    """prefix [B,P,D] embeds (already projected), prefix_pos [B,P]; text = <s> prompt answer </s>.
    corrupt (e.g. ColourSwap) rewrites the input tokens only; prompt_too [B] says where it may touch the prompt.
    Returns inputs_embeds, position_ids, attention_mask, labels (-100 outside the answer)."""
    B, P = prefix.shape[:2]
    seqs, lab = [], []
    for i, (p, a) in enumerate(zip(prompts, answers)):
        pi = T.encode(tok, p, bos=True)
        ai = T.encode(tok, a, bos=False, eos=True) if a is not None else []
        seqs.append(corrupt(pi, ai, bool(prompt_too[i])) if corrupt else pi + ai)
        lab.append([-100] * len(pi) + ai)
    L = max(len(s) for s in seqs)
    ids = torch.full((B, L), T.PAD, dtype=torch.long)
    labels = torch.full((B, P + L), -100, dtype=torch.long)
    am = torch.zeros((B, P + L), dtype=torch.long)
    am[:, :P] = 1
    for i, (s, l) in enumerate(zip(seqs, lab)):
        ids[i, :len(s)] = torch.tensor(s)
        labels[i, P:P + len(l)] = torch.tensor(l)
        am[i, P:P + len(s)] = 1
    emb = torch.cat([prefix, model.lm.model.embed_tokens(ids)], 1)
    start = prefix_pos.max(1, keepdim=True).values + 1 if P > 0 else torch.zeros((B, 1), dtype=torch.long)
    pos = torch.cat([prefix_pos, start + torch.arange(L)[None]], 1)
    return emb, pos, am, labels


def vision_prefix(model, patches, keep, rng):
    """patches [B,N,Dv] float tensor; keep = number of tokens kept (random subset, original grid order)."""
    B, N = patches.shape[:2]
    if keep >= N:
        idx = torch.arange(N)[None].expand(B, -1)
    else:
        idx = torch.from_numpy(np.sort(np.stack([rng.choice(N, keep, replace=False) for _ in range(B)]), 1))
    sel = torch.gather(patches, 1, idx[..., None].expand(-1, -1, patches.shape[-1]))
    return model.vis(sel), idx  # vision positions = grid index; text starts at N (see text_start)


def text_start_positions(kind, B):
    return torch.full((B, 1), N_VIS if kind == "vision" else PB, dtype=torch.long)


def forward_loss(model, emb, pos, am, labels):
    out = model.lm(inputs_embeds=emb, attention_mask=am, position_ids=pos)
    logits = out.logits[:, :-1]
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)


def make_inputs(model, tok, kind, patches, embs, prompts, answers, keep, rng, corrupt=None, prompt_too=None):
    B = len(prompts)
    if kind == "vision":
        pre, idx = vision_prefix(model, patches, keep, rng)
        pos = idx
        # text starts at N_VIS regardless of how many vision tokens were kept
        emb, p2, am, lab = build_batch(model, tok, pre, torch.full_like(pos[:, :1], N_VIS - 1).expand(-1, pos.shape[1]), prompts,
                                       answers, corrupt, prompt_too)
        p2[:, :pos.shape[1]] = pos
        return emb, p2, am, lab
    pre = model.brain(embs)
    pos = torch.arange(PB)[None].expand(B, -1)
    return build_batch(model, tok, pre, pos, prompts, answers, corrupt, prompt_too)


def patch_cache(split_name, imgs):
    p = os.path.join(C.CACHE, f"patches_{split_name}.npy")
    from . import clip
    if os.path.exists(p) and os.path.getmtime(p) > clip.embeddings_mtime():
        return np.load(p, mmap_mode="r")
    m, _ = clip.load_model()
    out = np.zeros((len(imgs), N_VIS, DV), np.float16)
    with torch.no_grad():
        for i in range(0, len(imgs), 256):
            pt, _, _ = m.image(torch.from_numpy(C.normalise_images(imgs[i:i + 256])))
            out[i:i + 256] = pt.numpy().astype(np.float16)
    np.save(p, out)
    return np.load(p, mmap_mode="r")


def train_data():
    from . import clip
    from .unet import training_set
    data = ns.load(C.ensure_data(0))
    ex = clip.extra_set()
    _, emb = training_set()  # first: one image-encoder pass also caches the patch tokens of the same 24k images
    imgs = np.concatenate([data["train_images"], ex["images"]])
    patches = np.asarray(patch_cache("train24k", imgs))
    return patches, emb, train_texts(data, len(ex["images"]))


def train_texts(data, n_extra):
    """Caption/QA entries (+ n_shapes) of the 8k train split and the CLIP extra set; the extra set's text is
    regenerated deterministically (same seed -> same attributes) once and cached."""
    import json
    p = os.path.join(C.CACHE, f"lm_texts_extra_seed11_{n_extra}.json")
    if not os.path.exists(p):
        _, ex_attrs = ns.make_stimuli(n_extra, 11, "exclude")
        with open(p, "w") as fh:
            json.dump([{"caption": a["caption"], "qa": a["qa"], "n_shapes": a["n_shapes"]} for a in ex_attrs], fh)
    with open(p) as fh:
        extra = json.load(fh)
    own = [{**t, "n_shapes": int(k)} for t, k in zip(data["train_text"], data["train_attrs"]["n_shapes"])]
    return own + extra


def train(minutes, seed=0, bs=32, lr=1.5e-3, colour_swap=0.0, restart=False):
    """restart: keep the checkpoint's weights but start a new run (fresh optimizer and schedule over `minutes`);
    the finished run's steps and wall time are kept as the checkpoint's `init`."""
    torch = C.setup_torch(1)
    torch.manual_seed(seed)
    log = C.log_to(os.path.join(C.CACHE, "lm.log"))
    tok = T.load_tokenizer()
    patches, emb, texts = train_data()
    n = len(texts)
    model = VLM(tok.get_vocab_size())
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    cp = C.ckpt_path("lm")
    step, wall, init, kept = 0, 0.0, None, {}
    args = {"minutes": minutes, "lr": lr, "colour_swap": colour_swap, "restart": restart}
    if os.path.exists(cp):
        ck = torch.load(cp, map_location="cpu")
        model.load_state_dict(ck["model"]); step, wall = ck["step"], ck["wall"]
        init = ck.get("init")
        if restart:
            init = {k: v for k, v in ck.items() if k not in ("model", "opt")}
            step, wall = 0, 0.0
        else:
            kept = {k: ck[k] for k in ("command",) if k in ck}
            if ck.get("args"):  # resuming: the run keeps its own flags (only --minutes may be extended)
                args = {**ck["args"], "minutes": minutes}
                lr, colour_swap = args["lr"], args["colour_swap"]
            if ck.get("opt") is not None:
                opt.load_state_dict(ck["opt"])
        log(f"resumed at step {step}" + (f" (restarted from a run of {init.get('step', init.get('steps'))} steps)" if init else ""))
    log(f"params {sum(p.numel() for p in model.lm.parameters())} lm")
    rng = np.random.default_rng(seed + step)
    swap = ColourSwap(tok, colour_swap, rng) if colour_swap > 0 else None
    log(f"colour swap p {colour_swap}")
    timer = C.Timer()
    last = timer()
    avg = None
    while wall + timer() < minutes * 60:
        model.train()
        idx = rng.choice(n, bs, replace=False)
        kind = "vision" if rng.random() < 0.75 else "brain"
        items = [text_items(texts[i], rng) for i in idx]
        prompts, answers = [a for a, _ in items], [b for _, b in items]
        keep = N_VIS if rng.random() < 0.3 else int(rng.integers(16, N_VIS))
        P = torch.from_numpy(patches[idx].astype(np.float32))
        e = torch.from_numpy(emb[idx])
        if kind == "brain":  # noisy embeddings so decoded brain embeddings (imperfect) still caption
            sig = torch.from_numpy(rng.uniform(0, 0.08, (bs, 1)).astype(np.float32))
            e = F.normalize(e + sig * torch.randn_like(e), dim=-1)
        emb_, pos, am, lab = make_inputs(model, tok, kind, P, e, prompts, answers, keep, rng, swap,
                                         [swappable_prompt(texts[i], q) for i, q in zip(idx, prompts)])
        prog = min((wall + timer()) / (minutes * 60), 1.0)
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / 100) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * prog)))
        loss = forward_loss(model, emb_, pos, am, lab)
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        avg = loss.item() if avg is None else 0.97 * avg + 0.03 * loss.item()
        if step % 50 == 0:
            log(f"step {step} loss {avg:.4f} t {wall + timer():.0f}s")
        if timer() - last > 120:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "wall": wall + timer(), "init": init,
                        "colour_swap": colour_swap, "args": args, **kept}, cp)
            last = timer()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "wall": wall + timer(), "init": init,
                "colour_swap": colour_swap, "args": args, **kept}, cp)
    log(f"saved step {step}")


def from_onnx():
    """Rebuilds the VLM's weights from the exported lm/1 (+ lm-embed/1, vision-projector/1, brain-projector/1).
    The decoder's Linear weights are anonymous transposed MatMul constants in the graph; they are taken in the
    order the graph uses them (per layer q, k, v, o, gate, up, down; then lm_head) and checked by running the
    rebuilt model against onnxruntime."""
    import onnx
    from onnx import numpy_helper

    def inits(name):
        m = onnx.load(os.path.join(C.REPO, name, "1", "model.onnx"))
        w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}
        order = []
        for nd in m.graph.node:
            order += [i for i in nd.input if i.startswith("onnx::MatMul") and i in w and i not in order]
        return w, [w[i].T.contiguous() for i in order]

    tok = T.load_tokenizer()
    model = VLM(tok.get_vocab_size())
    sd = {}
    w, mats = inits("lm")
    assert len(mats) == 7 * LAYERS + 1, len(mats)
    for i in range(LAYERS):
        for j, n in enumerate(["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]):
            sd[f"lm.model.layers.{i}.{n}.weight"] = mats[7 * i + j]
        for n in ("input_layernorm", "post_attention_layernorm"):
            sd[f"lm.model.layers.{i}.{n}.weight"] = w[f"m.layers.{i}.{n}.weight"]
    sd["lm.model.norm.weight"] = w["m.norm.weight"]
    sd["lm.lm_head.weight"] = mats[-1]
    sd["lm.model.embed_tokens.weight"] = inits("lm-embed")[0]["e.weight"]
    w, mats = inits("vision-projector")
    sd.update({"vis.net.0.weight": mats[0], "vis.net.0.bias": w["net.0.bias"], "vis.net.2.weight": mats[1], "vis.net.2.bias": w["net.2.bias"]})
    w, _ = inits("brain-projector")
    sd.update({f"brain.{k}": v for k, v in w.items()})
    missing = set(model.state_dict()) - set(sd)
    assert all("rotary" in k for k in missing), missing
    model.load_state_dict(sd, strict=False)
    model.eval()
    with torch.no_grad():
        P = torch.randn(1, N_VIS, DV, generator=torch.Generator().manual_seed(3))
        emb, pos, _, _ = make_inputs(model, tok, "vision", P, None, [T.CAPTION_PROMPT], ["a small red circle on the left"], N_VIS,
                                     np.random.default_rng(0))
        ref = model.lm(inputs_embeds=emb, position_ids=pos).logits[0].numpy()
        empty = {f"past_key_values.{i}.{kv}": np.zeros((1, HEADS, 0, HD), np.float32) for i in range(LAYERS) for kv in ("key", "value")}
        got = C.ort_session(os.path.join(C.REPO, "lm", "1", "model.onnx")).run(["logits"], {
            "inputs_embeds": emb.numpy(), "attention_mask": np.ones((1, emb.shape[1]), np.int64), "position_ids": pos.numpy(), **empty})[0][0]
        vis = C.ort_session(os.path.join(C.REPO, "vision-projector", "1", "model.onnx")).run(None, {"patch_tokens": P.numpy()})[0]
    worst = max(float(np.abs(got - ref).max()), float(np.abs(vis - model.vis(P).detach().numpy()).max()))
    assert worst < 1e-3, worst
    return model, worst


def init_from_onnx():
    """Writes $CACHE/lm.pt from the exported lm/1 family when the training checkpoint is lost (weights, step and
    wall time from the card, no optimizer state), so `train --restart` can continue the shipped model."""
    import yaml
    C.setup_torch(1)
    cp = C.ckpt_path("lm")
    assert not os.path.exists(cp), f"{cp} exists; it would be overwritten"
    model, worst = from_onnx()
    with open(os.path.join(C.REPO, "lm", "1", "model.yaml")) as fh:
        prov = yaml.safe_load(fh)["provenance"]
    torch.save({"model": model.state_dict(), "opt": None, "step": prov["steps"], "wall": float(prov["wall_seconds"]),
                "command": prov["command"].removesuffix(" && python -m neuropipe_zoo.lm export"),
                "colour_swap": prov.get("colour_swap", 0.0)}, cp)
    print(f"torch vs onnxruntime max abs diff {worst:.2e}; wrote {cp} (step {prov['steps']}, wall {prov['wall_seconds']} s)")


def training_provenance(ck):
    """The command line that reproduces a checkpoint (its run, after the runs it was restarted from) and the
    total steps / wall seconds of those runs."""
    runs, c = [], ck
    while c:
        runs.append(c)
        c = None if c.get("command") else c.get("init")  # a checkpoint rebuilt from a card carries the card's command
    cmds, steps, wall = [], 0, 0
    for r in reversed(runs):
        steps += r.get("step", r.get("steps", 0))
        wall += r.get("wall", r.get("wall_seconds", 0))
        if r.get("command"):
            cmds.append(r["command"])
            continue
        a = r.get("args") or {"minutes": round(r.get("wall", r.get("wall_seconds", 0)) / 60), "lr": 1.5e-3,
                              "colour_swap": r.get("colour_swap", 0.0), "restart": r is not runs[-1]}
        cmds.append("python -m neuropipe_zoo.lm train" + (" --restart" if a["restart"] else "") + f" --minutes {a['minutes']:g}"
                    + ("" if a["lr"] == 1.5e-3 else f" --lr {a['lr']:g}") + f" --colour-swap {a['colour_swap']:g}")
    return " && ".join(cmds + ["python -m neuropipe_zoo.lm export"]), steps, wall


def load_model():
    tok = T.load_tokenizer()
    m = VLM(tok.get_vocab_size())
    ck = torch.load(C.ckpt_path("lm"), map_location="cpu")
    m.load_state_dict(ck["model"])
    return m.eval(), tok, ck


# ---------------------------------------------------------------------------------------------- decoding / eval
@torch.no_grad()
def greedy(model, tok, kind, patches, embs, prompts, max_new=20, keep=N_VIS, rng=None):
    """Greedy decoding with the HF model (full recompute; small model). Returns list of strings."""
    rng = rng or np.random.default_rng(0)
    B = len(prompts)
    emb, pos, am, _ = make_inputs(model, tok, kind, patches, embs, prompts, [None] * B, keep, rng)
    # prompts may have different lengths -> left part is aligned; decode per sample to keep it simple
    outs = []
    for b in range(B):
        L = int(am[b].sum())
        e, p = emb[b:b + 1, :L], pos[b:b + 1, :L]
        ids = []
        past = None
        cur_e, cur_p = e, p
        for _ in range(max_new):
            o = model.lm(inputs_embeds=cur_e, position_ids=cur_p, past_key_values=past, use_cache=True)
            past = o.past_key_values
            nxt = int(o.logits[0, -1].argmax())
            if nxt == T.EOS:
                break
            ids.append(nxt)
            cur_e = model.lm.model.embed_tokens(torch.tensor([[nxt]]))
            cur_p = cur_p[:, -1:] + 1
        outs.append(tok.decode(ids).strip())
    return outs


CAP_RE = re.compile(r"^a (small|large) (\w+) (\w+) (on the left|on the right|at the top|at the bottom|in the center|left of|right of|above|below)(?: a (small|large) (\w+) (\w+))?$")
REL_POS = {"left of": "left", "right of": "right", "above": "top", "below": "bottom"}


def parse_caption(c):
    m = CAP_RE.match(c.strip())
    if not m:
        return None
    size, colour, shape, rel, size2, colour2, shape2 = m.groups()
    pos = REL_POS.get(rel) or {v: k for k, v in ns.POS_PHRASE.items()}.get(rel)
    return {"size": size, "colour": colour, "shape": shape, "position": pos, "n_shapes": 2 if shape2 else 1,
            "size2": size2, "colour2": colour2, "shape2": shape2}


def caption_scores(preds, attrs):
    keys = ["shape", "colour", "size", "position"]
    names = {"shape": ns.SHAPES, "colour": ns.COLOURS, "size": ns.SIZES, "position": ns.POSITIONS}
    per = {k: 0 for k in keys}
    allc = cnt = parsed = n2 = 0
    for i, c in enumerate(preds):
        p = parse_caption(c) or {}
        parsed += bool(p)
        ok = True
        for k in keys:
            good = p.get(k) == names[k][attrs[k][i]]
            per[k] += good
            ok &= good
        good2 = p.get("n_shapes") == int(attrs["n_shapes"][i])
        if attrs["n_shapes"][i] == 2:
            good2 &= p.get("shape2") == ns.SHAPES[attrs["shape2"][i]] and p.get("colour2") == ns.COLOURS[attrs["colour2"][i]]
        n2 += good2
        allc += ok and good2
        cnt += 1
    r = {f"{k}_acc": round(per[k] / cnt, 4) for k in keys}
    r["attribute_acc"] = round(float(np.mean([per[k] / cnt for k in keys])), 4)
    r["second_shape_and_count_acc"] = round(n2 / cnt, 4)
    r["all_correct"] = round(allc / cnt, 4)
    r["parsed"] = round(parsed / cnt, 4)
    return r


@torch.no_grad()
def perplexity(model, tok, patches, texts, rng):
    tot = n = 0.0
    for i in range(0, len(texts), 32):
        items = [(T.CAPTION_PROMPT, t["caption"]) for t in texts[i:i + 32]] + \
                [(T.qa_prompt(t["qa"][0][0]), t["qa"][0][1]) for t in texts[i:i + 32]]
        P = torch.from_numpy(np.concatenate([patches[i:i + 32]] * 2).astype(np.float32))
        emb, pos, am, lab = make_inputs(model, tok, "vision", P, None, [a for a, _ in items], [b for _, b in items], N_VIS, rng)
        logits = model.lm(inputs_embeds=emb, attention_mask=am, position_ids=pos).logits[:, :-1]
        l = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), lab[:, 1:].reshape(-1), ignore_index=-100, reduction="sum")
        tot += l.item(); n += (lab[:, 1:] != -100).sum().item()
    return math.exp(tot / n)


def evaluate(n=200, seed=0, keep_ratios=(1.0,)):
    C.setup_torch(1)
    model, tok, _ = load_model()
    d = C.ensure_data(seed) if seed == 0 else C.data_dir(seed)
    data = ns.load(d)
    rng = np.random.default_rng(0)
    res = {}
    for split in ("val", "test"):
        imgs = data[f"{split}_images"][:n]
        attrs = {k: v[:n] for k, v in data[f"{split}_attrs"].items()}
        patches = patch_cache(f"{split}_seed{seed}", imgs)
        P = torch.from_numpy(np.asarray(patches).astype(np.float32))
        for kr in keep_ratios:
            keep = int(round(kr * N_VIS))
            caps = []
            for i in range(0, n, 50):
                caps += greedy(model, tok, "vision", P[i:i + 50], None, [T.CAPTION_PROMPT] * len(P[i:i + 50]), keep=keep, rng=rng)
            tag = f"{split}" + ("" if kr == 1.0 else f"_keep{int(kr * 100)}")
            res[f"caption_{tag}"] = caption_scores(caps, attrs)
            if kr == 1.0:
                res[f"caption_examples_{split}"] = caps[:3]
        # questions: 4 per image
        qs, ans, idx = [], [], []
        for i in range(n):
            qa = data[f"{split}_text"][i]["qa"]
            for j in rng.choice(len(qa), min(4, len(qa)), replace=False):
                qs.append(T.qa_prompt(qa[j][0])); ans.append(qa[j][1]); idx.append(i)
        preds = []
        for i in range(0, len(qs), 50):
            preds += greedy(model, tok, "vision", P[idx[i:i + 50]], None, qs[i:i + 50], max_new=4, rng=rng)
        res[f"question_acc_{split}"] = round(float(np.mean([p == a for p, a in zip(preds, ans)])), 4)
        res[f"perplexity_{split}"] = round(perplexity(model, tok, patches, data[f"{split}_text"][:n], rng), 4)
    return res


# ---------------------------------------------------------------------------------------------- export graphs
def rope(pos, base=10000.0):
    inv = 1.0 / (base ** (torch.arange(0, HD, 2, dtype=torch.float32) / HD))
    f = pos.float()[..., None] * inv  # [B,S,HD/2]
    e = torch.cat([f, f], -1)
    return e.cos()[:, None], e.sin()[:, None]  # [B,1,S,HD]


def rot_half(x):
    a, b = x[..., :HD // 2], x[..., HD // 2:]
    return torch.cat([-b, a], -1)


class ExportLlama(nn.Module):
    """Hand-written Llama forward using the HF weights (explicit KV tensors, additive masks)."""

    def __init__(self, hf, n_layers=LAYERS):
        super().__init__()
        self.m = hf.model
        self.head = hf.lm_head
        self.n_layers = n_layers

    def rms(self, norm, x):
        return norm.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + norm.variance_epsilon))

    def layers(self, x, pos, bias, past, want_probs=False):
        B, S, _ = x.shape
        cos, sin = rope(pos)
        presents, probs = [], None
        for i in range(self.n_layers):
            L = self.m.layers[i]
            h = self.rms(L.input_layernorm, x)
            a = L.self_attn
            q = a.q_proj(h).reshape(B, S, HEADS, HD).transpose(1, 2)
            k = a.k_proj(h).reshape(B, S, HEADS, HD).transpose(1, 2)
            v = a.v_proj(h).reshape(B, S, HEADS, HD).transpose(1, 2)
            q = q * cos + rot_half(q) * sin
            k = k * cos + rot_half(k) * sin
            if past is not None:
                k = torch.cat([past[2 * i], k], 2)
                v = torch.cat([past[2 * i + 1], v], 2)
            presents += [k, v]
            att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(HD)) + bias
            p = att.softmax(-1)
            if want_probs and i == self.n_layers - 1:
                probs = p.mean(1)
            y = (p @ v).transpose(1, 2).reshape(B, S, D)
            x = x + a.o_proj(y)
            x = x + L.mlp(self.rms(L.post_attention_layernorm, x))
        return x, presents, probs


def causal_bias(attention_mask, S):
    """int64 [B,P+S] padding mask -> additive [B,1,S,P+S]: causal over the new tokens, all past visible."""
    B, PS = attention_mask.shape
    P = PS - S
    q = torch.arange(S)[:, None] + P
    k = torch.arange(PS)[None, :]
    allowed = (k <= q)[None, None] & (attention_mask[:, None, None, :] > 0)
    return (~allowed).float() * -1e9


class LMGraph(ExportLlama):
    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        S = inputs_embeds.shape[1]
        x, presents, _ = self.layers(inputs_embeds, position_ids, causal_bias(attention_mask, S), list(past))
        x = self.rms(self.m.norm, x)
        return (self.head(x), x, *presents)


class LMTreeGraph(ExportLlama):
    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        x, presents, _ = self.layers(inputs_embeds, position_ids, attention_mask, list(past))
        x = self.rms(self.m.norm, x)
        return (self.head(x), x, *presents)


class ProbeGraph(ExportLlama):
    def __init__(self, hf):
        super().__init__(hf, PROBE_LAYERS)

    def forward(self, inputs_embeds, attention_mask, position_ids):
        S = inputs_embeds.shape[1]
        _, _, probs = self.layers(inputs_embeds, position_ids, causal_bias(attention_mask, S), None, True)
        return probs


class EmbedGraph(nn.Module):
    def __init__(self, hf):
        super().__init__()
        self.e = hf.model.embed_tokens

    def forward(self, input_ids):
        return self.e(input_ids)


# ---------------------------------------------------------------------------------------------- Medusa / Hydra
class ResBlock(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.lin = nn.Linear(d, d)
        nn.init.zeros_(self.lin.weight)

    def forward(self, x):
        return x + F.silu(self.lin(x))


class Medusa(nn.Module):
    def __init__(self, vocab, k=N_MEDUSA, lm_head=None):
        super().__init__()
        self.blocks = nn.ModuleList([ResBlock(D) for _ in range(k)])
        self.heads = nn.ModuleList([nn.Linear(D, vocab, bias=False) for _ in range(k)])
        if lm_head is not None:
            for h in self.heads:
                h.weight.data.copy_(lm_head.weight.data)

    def forward(self, hidden_states):
        return torch.stack([h(b(hidden_states)) for b, h in zip(self.blocks, self.heads)], 1)


class Hydra(nn.Module):
    """Next drafted token at `depth` d from the base hidden state at t and the embeddings of the d tokens
    already drafted on the path (x_{t+1..t+d}); predicts x_{t+d+1}."""

    def __init__(self, vocab, k=N_MEDUSA, lm_head=None):
        super().__init__()
        self.k = k
        self.pos = nn.Parameter(torch.randn(k, D) * 0.02)
        self.inp = nn.Linear(D + D * k, 2 * D)
        self.depth = nn.Embedding(k + 1, 2 * D)
        self.mlp = nn.Sequential(nn.SiLU(), nn.Linear(2 * D, 2 * D), nn.SiLU(), nn.Linear(2 * D, D))
        self.head = nn.Linear(D, vocab, bias=False)
        if lm_head is not None:
            self.head.weight.data.copy_(lm_head.weight.data)

    def forward(self, hidden_states, draft_embeds, depth):
        m = (torch.arange(self.k)[None, :] < depth[:, None]).float()[..., None]  # [B,K,1]
        de = (draft_embeds + self.pos[None]) * m
        h = self.inp(torch.cat([hidden_states, de.flatten(1)], -1)) + self.depth(depth)
        return self.head(hidden_states + self.mlp(h))


@torch.no_grad()
def collect_hidden(model, tok, patches, embs, texts, rng, n_batches, bs=32):
    """Frozen-LM last hidden states + text token ids for sequences (vision or brain prefix + prompt + answer)."""
    H, Ids, Msk = [], [], []
    n = len(texts)
    for _ in range(n_batches):
        idx = rng.choice(n, bs, replace=False)
        kind = "vision" if rng.random() < 0.75 else "brain"
        items = [text_items(texts[i], rng) for i in idx]
        P = torch.from_numpy(patches[idx].astype(np.float32))
        keep = N_VIS if rng.random() < 0.5 else int(rng.integers(32, N_VIS))
        emb, pos, am, lab = make_inputs(model, tok, kind, P, torch.from_numpy(embs[idx]), [a for a, _ in items],
                                        [b for _, b in items], keep, rng)
        Pn = emb.shape[1] - (lab.shape[1] - (lab[:, :] == -100).all(0).int().argmin()) if False else None
        out = model.lm(inputs_embeds=emb, attention_mask=am, position_ids=pos, output_hidden_states=True)
        pre = emb.shape[1] - max(len(T.encode(tok, a, True)) + len(T.encode(tok, b, False, True)) for a, b in items)
        h = out.hidden_states[-1][:, pre:]  # text part (includes final norm in HF's last hidden state)
        ids = torch.full((bs, h.shape[1]), T.PAD)
        msk = torch.zeros((bs, h.shape[1]))
        for i, (a, b) in enumerate(items):
            s = T.encode(tok, a, True) + T.encode(tok, b, False, True)
            ids[i, :len(s)] = torch.tensor(s)
            msk[i, :len(s)] = 1
        H.append(h); Ids.append(ids); Msk.append(msk)
    return H, Ids, Msk


def train_heads(minutes, seed=0):
    torch = C.setup_torch(1)
    torch.manual_seed(seed)
    log = C.log_to(os.path.join(C.CACHE, "heads.log"))
    model, tok, _ = load_model()
    model.requires_grad_(False)
    patches, emb, texts = train_data()
    rng = np.random.default_rng(seed)
    V = tok.get_vocab_size()
    t = C.Timer()
    H, Ids, Msk = collect_hidden(model, tok, patches, emb, texts, rng, 60)
    log(f"collected hidden states in {t():.0f}s")
    med = Medusa(V, lm_head=model.lm.lm_head)
    hyd = Hydra(V, lm_head=model.lm.lm_head)
    E = model.lm.model.embed_tokens.weight
    opt = torch.optim.AdamW(list(med.parameters()) + list(hyd.parameters()), lr=1e-3)
    step = 0
    while t() < minutes * 60:
        j = int(rng.integers(len(H)))
        h, ids, msk = H[j], Ids[j], Msk[j]
        B, L, _ = h.shape
        loss = 0.0
        ml = med(h)  # [B,K,L,V] (stacked on dim 1)
        for k in range(N_MEDUSA):
            off = k + 2
            if L <= off:
                continue
            tgt = ids[:, off:].clone()
            tgt[msk[:, off:] == 0] = -100
            loss = loss + F.cross_entropy(ml[:, k, :L - off].reshape(-1, V), tgt.reshape(-1), ignore_index=-100) * (0.8 ** k)
        # hydra: random depth per sample/position
        for d in range(1, N_MEDUSA + 1):
            if L <= d + 1:
                continue
            hh = h[:, :L - d - 1]  # hidden at t
            de = torch.zeros(B, L - d - 1, N_MEDUSA, D)
            for j2 in range(d):
                de[:, :, j2] = E[ids[:, 1 + j2:L - d - 1 + 1 + j2]]
            tgt = ids[:, d + 1:].clone()
            tgt[msk[:, d + 1:] == 0] = -100
            dep = torch.full((B * (L - d - 1),), d, dtype=torch.long)
            lg = hyd(hh.reshape(-1, D), de.reshape(-1, N_MEDUSA, D), dep)
            loss = loss + F.cross_entropy(lg, tgt.reshape(-1), ignore_index=-100)
        opt.zero_grad(); loss.backward(); opt.step()
        step += 1
        if step % 50 == 0:
            log(f"step {step} loss {loss.item():.4f} t {t():.0f}s")
    torch.save({"medusa": med.state_dict(), "hydra": hyd.state_dict(), "step": step, "wall": t(), "minutes": minutes}, C.ckpt_path("heads"))
    log(f"saved heads step {step}")


@torch.no_grad()
def head_acceptance(model, tok, n=100, seed=0):
    """Per-head top-1 acceptance against the base model's own greedy continuation (captions, val split)."""
    ck = torch.load(C.ckpt_path("heads"), map_location="cpu")
    V = tok.get_vocab_size()
    med = Medusa(V); med.load_state_dict(ck["medusa"]); med.eval()
    hyd = Hydra(V); hyd.load_state_dict(ck["hydra"]); hyd.eval()
    data = ns.load(C.ensure_data(seed) if seed == 0 else C.data_dir(seed))
    patches = patch_cache(f"val_seed{seed}", data["val_images"][:200])
    rng = np.random.default_rng(1)
    E = model.lm.model.embed_tokens.weight
    hit_m = np.zeros(N_MEDUSA); hit_h = np.zeros(N_MEDUSA); cnt = np.zeros(N_MEDUSA)
    for i in range(n):
        P = torch.from_numpy(np.asarray(patches[i:i + 1]).astype(np.float32))
        prompt = T.CAPTION_PROMPT if i % 2 == 0 else T.qa_prompt(data["val_text"][i]["qa"][0][0])
        cap = greedy(model, tok, "vision", P, None, [prompt], rng=rng)[0]
        emb, pos, am, _ = make_inputs(model, tok, "vision", P, None, [prompt], [cap], N_VIS, rng)
        out = model.lm(inputs_embeds=emb, position_ids=pos, output_hidden_states=True)
        greedy_ids = out.logits[0].argmax(-1)  # base prediction at each position
        hs = out.hidden_states[-1][0]
        n_prompt = len(T.encode(tok, prompt, True))
        start = emb.shape[1] - len(T.encode(tok, cap, False, True)) - 1  # position whose next token is the 1st answer token
        seq = greedy_ids  # along the greedy path, token at t+1 = argmax at t
        L = emb.shape[1]
        for t in range(start, L - 1):
            ml = med(hs[t:t + 1])[0]  # [K,V]
            for k in range(N_MEDUSA):
                tgt_pos = t + k + 1  # the base model's token t+k+2 = argmax at position t+k+1
                if tgt_pos >= L - 1:
                    break
                cnt[k] += 1
                hit_m[k] += int(ml[k].argmax()) == int(seq[tgt_pos])
                de = torch.zeros(1, N_MEDUSA, D)
                for j in range(k + 1):
                    de[0, j] = E[int(seq[t + j])]
                lg = hyd(hs[t:t + 1], de, torch.tensor([k + 1]))
                hit_h[k] += int(lg.argmax()) == int(seq[tgt_pos])
    return {"medusa_top1_acceptance_per_head": [round(float(x), 4) for x in hit_m / np.maximum(cnt, 1)],
            "hydra_top1_acceptance_per_depth": [round(float(x), 4) for x in hit_h / np.maximum(cnt, 1)],
            "positions": int(cnt[0])}


def export():
    torch = C.setup_torch(1)
    model, tok, ck = load_model()
    V = tok.get_vocab_size()
    hf = model.lm
    B, P, S = 1, 3, 2
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(B, S, D, generator=gen)
    pos = torch.tensor([[N_VIS + 3, N_VIS + 4]])
    am = torch.ones(B, P + S, dtype=torch.long)
    past = [torch.randn(B, HEADS, P, HD, generator=gen) * 0.5 for _ in range(2 * LAYERS)]
    pnames = []
    for i in range(LAYERS):
        pnames += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
    prnames = [n.replace("past_key_values", "present") for n in pnames]
    dyn = {"inputs_embeds": {0: "B", 1: "S"}, "attention_mask": {0: "B", 1: "PS"}, "position_ids": {0: "B", 1: "S"},
           "logits": {0: "B", 1: "S"}, "last_hidden_state": {0: "B", 1: "S"}}
    for n in pnames:
        dyn[n] = {0: "B", 2: "P"}
    for n in prnames:
        dyn[n] = {0: "B", 2: "PS"}
    command, steps, wall = training_provenance(ck)
    prov = C.provenance("lm.py", command, 0, wall, steps=steps, batch_size=32, colour_swap=ck.get("colour_swap", 0.0),
                        objective="next-token CE on answers: captions + attribute QA after a vision prefix (random vision-token dropping 16..256 kept, grid-index positions) or a brain prefix (projected E, noisy image embeddings); "
                                  "colour_swap = probability of replacing each colour word of the teacher-forced input by another colour (targets stay true)")
    pre = {"bos_id": T.BOS, "eos_id": T.EOS, "pad_id": T.PAD, "num_layers": LAYERS, "num_heads": HEADS, "head_dim": HD,
           "hidden_size": D, "vocab_size": V, "intermediate_size": FF, "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
           "max_position_embeddings": MAX_POS, "tokenizer": "tokenizer.json",
           "prompt_format": "[prefix embeds] <s> {prompt} -> answer </s>; prompt = 'caption:' or 'question: {q} answer:'",
           "caption_prompt": T.CAPTION_PROMPT, "question_prompt": "question: {question} answer:",
           "vision_prefix": {"projector": "vision-projector", "position_ids": "grid index of each kept patch (0..255)",
                             "text_position_start": N_VIS, "num_patches": N_VIS},
           "brain_prefix": {"projector": "brain-projector", "tokens": PB, "position_ids": list(range(PB)),
                            "text_position_start": PB},
           "attention_mask_value": -1e9}
    # ---- lm
    dl = os.path.join(C.REPO, "lm", "1")
    g = LMGraph(hf).eval()
    C.export_onnx(g, (x, am, pos, *past), os.path.join(dl, "model.onnx"),
                  ["inputs_embeds", "attention_mask", "position_ids"] + pnames, ["logits", "last_hidden_state"] + prnames, dyn)
    shutil.copy(os.path.join(C.CACHE, "tokenizer.json"), os.path.join(dl, "tokenizer.json"))
    fx_in = {"inputs_embeds": x.numpy(), "attention_mask": am.numpy(), "position_ids": pos.numpy(),
             **{n: t.numpy() for n, t in zip(pnames, past)}}
    C.write_fixture(dl, fx_in)
    shp = {"inputs_embeds": [-1, -1, D], "attention_mask": [-1, -1], "position_ids": [-1, -1], "logits": [-1, -1, V],
           "last_hidden_state": [-1, -1, D], **{n: [-1, HEADS, -1, HD] for n in pnames + prnames}}
    roles = {n: n for n in shp}
    ev = {}
    C.write_card("lm", 1, f"Llama-architecture decoder (transformers LlamaForCausalLM, {LAYERS} layers, hidden {D}, {HEADS} heads), Optimum decoder layout with KV cache",
                 roles, shp, pre, {}, prov, ev)
    # ---- lm-tree
    dt = os.path.join(C.REPO, "lm-tree", "1")
    gt = LMTreeGraph(hf).eval()
    bias = causal_bias(am, S)
    dyn_t = dict(dyn); dyn_t["attention_mask"] = {0: "B", 2: "S", 3: "PS"}
    C.export_onnx(gt, (x, bias, pos, *past), os.path.join(dt, "model.onnx"),
                  ["inputs_embeds", "attention_mask", "position_ids"] + pnames, ["logits", "last_hidden_state"] + prnames, dyn_t)
    shutil.copy(os.path.join(C.CACHE, "tokenizer.json"), os.path.join(dt, "tokenizer.json"))
    C.write_fixture(dt, {**fx_in, "attention_mask": bias.numpy()})
    shp_t = dict(shp); shp_t["attention_mask"] = [-1, 1, -1, -1]
    C.write_card("lm-tree", 1, "lm with an explicit additive attention mask [B,1,S,P+S] (tree attention for speculative decoding)",
                 roles, shp_t, {**pre, "attention_mask": "additive FP32, 0 = attend, -1e9 (or -inf) = masked"}, {}, prov, ev)
    # ---- lm-embed
    de = os.path.join(C.REPO, "lm-embed", "1")
    ids = torch.tensor([T.encode(tok, "caption: a small red circle", True)])
    C.export_onnx(EmbedGraph(hf).eval(), (ids,), os.path.join(de, "model.onnx"), ["input_ids"], ["inputs_embeds"],
                  {"input_ids": {0: "B", 1: "S"}, "inputs_embeds": {0: "B", 1: "S"}})
    shutil.copy(os.path.join(C.CACHE, "tokenizer.json"), os.path.join(de, "tokenizer.json"))
    C.write_fixture(de, {"input_ids": ids.numpy()})
    C.write_card("lm-embed", 1, "Token embedding lookup of lm/1", {"input_ids": "input_ids", "inputs_embeds": "inputs_embeds"},
                 {"input_ids": [-1, -1], "inputs_embeds": [-1, -1, D]}, {"vocab_size": V, "hidden_size": D}, {}, prov, {})
    # ---- lm-probe
    dp = os.path.join(C.REPO, "lm-probe", "1")
    S2 = 6
    xp = torch.randn(1, S2, D, generator=gen)
    posp = torch.tensor([[0, 5, 9, N_VIS, N_VIS + 1, N_VIS + 2]])
    amp = torch.ones(1, S2, dtype=torch.long)
    C.export_onnx(ProbeGraph(hf).eval(), (xp, amp, posp), os.path.join(dp, "model.onnx"),
                  ["inputs_embeds", "attention_mask", "position_ids"], ["attentions"],
                  {"inputs_embeds": {0: "B", 1: "S"}, "attention_mask": {0: "B", 1: "S"}, "position_ids": {0: "B", 1: "S"},
                   "attentions": {0: "B", 1: "S", 2: "S"}})
    C.write_fixture(dp, {"inputs_embeds": xp.numpy(), "attention_mask": amp.numpy(), "position_ids": posp.numpy()})
    C.write_card("lm-probe", 1, f"First {PROBE_LAYERS} layers of lm/1 returning the head-averaged causal attention of layer {PROBE_LAYERS - 1}",
                 {n: n for n in ["inputs_embeds", "attention_mask", "position_ids", "attentions"]},
                 {"inputs_embeds": [-1, -1, D], "attention_mask": [-1, -1], "position_ids": [-1, -1], "attentions": [-1, -1, -1]},
                 {"probe_layers": PROBE_LAYERS, "hidden_size": D, "attentions": "softmax rows (query x key), mean over heads, causal"},
                 {}, prov, {})
    # ---- projectors
    dv = os.path.join(C.REPO, "vision-projector", "1")
    pt = torch.randn(1, 4, DV, generator=gen)
    C.export_onnx(model.vis, (pt,), os.path.join(dv, "model.onnx"), ["patch_tokens"], ["inputs_embeds"],
                  {"patch_tokens": {0: "B", 1: "N"}, "inputs_embeds": {0: "B", 1: "N"}})
    C.write_fixture(dv, {"patch_tokens": pt.numpy()})
    C.write_card("vision-projector", 1, "2-layer MLP: image-encoder/1 patch tokens -> lm/1 input embeddings (per token; any subset of tokens)",
                 {"patch_tokens": "patch_tokens", "inputs_embeds": "inputs_embeds"},
                 {"patch_tokens": [-1, -1, DV], "inputs_embeds": [-1, -1, D]},
                 {"position_ids": "grid index of each patch", "text_position_start": N_VIS}, {}, prov, {})
    db = os.path.join(C.REPO, "brain-projector", "1")
    eb = F.normalize(torch.randn(1, C.E_DIM, generator=gen), dim=-1)
    C.export_onnx(model.brain, (eb,), os.path.join(db, "model.onnx"), ["embedding"], ["inputs_embeds"],
                  {"embedding": {0: "B"}, "inputs_embeds": {0: "B"}})
    C.write_fixture(db, {"embedding": eb.numpy()})
    C.write_card("brain-projector", 1, f"MLP: 128-d embedding (E) -> {PB} lm/1 prefix embeddings",
                 {"embedding": "embedding", "inputs_embeds": "inputs_embeds"},
                 {"embedding": [-1, C.E_DIM], "inputs_embeds": [-1, PB, D]},
                 {"prefix_tokens": PB, "position_ids": list(range(PB)), "text_position_start": PB}, {}, prov, {})
    print("exported lm, lm-tree, lm-embed, lm-probe, vision-projector, brain-projector")
    verify(model, tok)
    if os.path.exists(C.ckpt_path("heads")):
        export_heads(model, tok)


def export_heads(model, tok):
    hk = torch.load(C.ckpt_path("heads"), map_location="cpu")
    V = tok.get_vocab_size()
    med = Medusa(V); med.load_state_dict(hk["medusa"]); med.eval()
    hyd = Hydra(V); hyd.load_state_dict(hk["hydra"]); hyd.eval()
    gen = torch.Generator().manual_seed(1)
    h = torch.randn(1, D, generator=gen)
    prov = C.provenance("lm.py", f"python -m neuropipe_zoo.lm heads --minutes {hk.get('minutes', 6):g} && python -m neuropipe_zoo.lm export-heads",
                        0, hk["wall"], steps=hk["step"], objective="CE on ground-truth future tokens, frozen lm/1 last hidden states")
    dm = os.path.join(C.REPO, "medusa-heads", "1")
    C.export_onnx(med, (h,), os.path.join(dm, "model.onnx"), ["hidden_states"], ["medusa_logits"],
                  {"hidden_states": {0: "B"}, "medusa_logits": {0: "B"}})
    C.write_fixture(dm, {"hidden_states": h.numpy()})
    C.write_card("medusa-heads", 1, f"{N_MEDUSA} Medusa heads (ResBlock + Linear) on lm/1 last_hidden_state; head k predicts token t+k+2",
                 {"hidden_states": "hidden_states", "medusa_logits": "medusa_logits"},
                 {"hidden_states": [-1, D], "medusa_logits": [-1, N_MEDUSA, V]}, {"num_heads": N_MEDUSA, "base_model": "lm/1"}, {}, prov, {})
    dh = os.path.join(C.REPO, "hydra-head", "1")
    de = torch.zeros(1, N_MEDUSA, D); de[0, :2] = torch.randn(2, D, generator=gen)
    dep = torch.tensor([2])
    C.export_onnx(hyd, (h, de, dep), os.path.join(dh, "model.onnx"), ["hidden_states", "draft_embeds", "depth"], ["logits"],
                  {"hidden_states": {0: "B"}, "draft_embeds": {0: "B"}, "depth": {0: "B"}, "logits": {0: "B"}})
    C.write_fixture(dh, {"hidden_states": h.numpy(), "draft_embeds": de.numpy(), "depth": dep.numpy()})
    C.write_card("hydra-head", 1, "Hydra draft head: base hidden at t + embeddings (lm-embed) of the d drafted tokens x_{t+1..t+d} -> logits of x_{t+d+1}",
                 {"hidden_states": "hidden_states", "draft_embeds": "draft_embeds", "depth": "depth", "logits": "logits"},
                 {"hidden_states": [-1, D], "draft_embeds": [-1, N_MEDUSA, D], "depth": [-1], "logits": [-1, V]},
                 {"max_depth": N_MEDUSA, "depth": "1..K = number of drafted tokens given (the root = base argmax counts as the first)",
                  "draft_embeds": "zero-padded beyond depth", "base_model": "lm/1"}, {}, prov, {})
    print("exported medusa-heads, hydra-head")


@torch.no_grad()
def verify(model, tok):
    """ORT checks: incremental KV decoding == full sequence == HF; lm-tree with a causal mask == lm; probe == HF attn."""
    sl = C.ort_session(os.path.join(C.REPO, "lm", "1", "model.onnx"))
    st = C.ort_session(os.path.join(C.REPO, "lm-tree", "1", "model.onnx"))
    P = torch.randn(1, N_VIS, DV, generator=torch.Generator().manual_seed(7))  # graph equivalence only
    rng = np.random.default_rng(0)
    emb, pos, am, _ = make_inputs(model, tok, "vision", P, None, [T.CAPTION_PROMPT], ["a small red circle on the left"], 100, rng)
    L = emb.shape[1]
    ref = model.lm(inputs_embeds=emb, position_ids=pos).logits[0].numpy()
    empty = {f"past_key_values.{i}.{kv}": np.zeros((1, HEADS, 0, HD), np.float32) for i in range(LAYERS) for kv in ("key", "value")}
    full = sl.run(None, {"inputs_embeds": emb.numpy(), "attention_mask": np.ones((1, L), np.int64),
                         "position_ids": pos.numpy(), **empty})
    d_full = np.abs(full[0][0] - ref).max()
    # incremental: prefix of L-5 then one token at a time
    names = [o.name for o in sl.get_outputs()]
    split = L - 5
    o = sl.run(None, {"inputs_embeds": emb[:, :split].numpy(), "attention_mask": np.ones((1, split), np.int64),
                      "position_ids": pos[:, :split].numpy(), **empty})
    inc = [o[0][0]]
    for t in range(split, L):
        pk = {n.replace("present", "past_key_values"): v for n, v in zip(names[2:], o[2:])}
        o = sl.run(None, {"inputs_embeds": emb[:, t:t + 1].numpy(), "attention_mask": np.ones((1, t + 1), np.int64),
                          "position_ids": pos[:, t:t + 1].numpy(), **pk})
        inc.append(o[0][0])
    d_inc = np.abs(np.concatenate(inc) - ref).max()
    # tree graph with causal additive mask over a cached prefix
    o = sl.run(None, {"inputs_embeds": emb[:, :split].numpy(), "attention_mask": np.ones((1, split), np.int64),
                      "position_ids": pos[:, :split].numpy(), **empty})
    pk = {n.replace("present", "past_key_values"): v for n, v in zip(names[2:], o[2:])}
    bias = causal_bias(torch.ones(1, L, dtype=torch.long), L - split).numpy()
    tr = st.run(None, {"inputs_embeds": emb[:, split:].numpy(), "attention_mask": bias, "position_ids": pos[:, split:].numpy(), **pk})
    d_tree = np.abs(tr[0][0] - ref[split:]).max()
    sp = C.ort_session(os.path.join(C.REPO, "lm-probe", "1", "model.onnx"))
    pa = sp.run(None, {"inputs_embeds": emb.numpy(), "attention_mask": np.ones((1, L), np.int64), "position_ids": pos.numpy()})[0]
    impl = model.lm.config._attn_implementation
    model.lm.config._attn_implementation = "eager"
    hfa = model.lm(inputs_embeds=emb, position_ids=pos, output_attentions=True).attentions
    model.lm.config._attn_implementation = impl
    d_probe = np.abs(pa[0] - hfa[PROBE_LAYERS - 1][0].mean(0).numpy()).max() if hfa is not None and hfa[0] is not None else float("nan")
    r = {"max_abs_diff_full_vs_hf": float(d_full), "max_abs_diff_incremental_vs_hf": float(d_inc),
         "max_abs_diff_tree_vs_hf": float(d_tree), "max_abs_diff_probe_vs_hf": float(d_probe)}
    print("verify:", r)
    assert d_full < 1e-3 and d_inc < 1e-3 and d_tree < 1e-3, r
    return r


def brain_caption_eval(embs, attrs, model=None, tok=None):
    """Captions from a 128-d embedding prefix (brain-projector): image embeddings (upper bound) or decoded
    EEG/fMRI embeddings; scored against the stimulus attributes."""
    if model is None:
        model, tok, _ = load_model()
    caps = []
    E = torch.from_numpy(np.asarray(embs, np.float32))
    for i in range(0, len(E), 50):
        caps += greedy(model, tok, "brain", None, E[i:i + 50], [T.CAPTION_PROMPT] * len(E[i:i + 50]))
    r = caption_scores(caps, attrs)
    r["examples"] = caps[:3]
    return r


def brain_captioning_onnx():
    """The brain-projector card's held-out rows (as models/evaluate computes them from the training checkpoints),
    with the EEG / fMRI embeddings from the exported eeg-encoder/1 and fmri-adapter-subj01/1 + fmri-translator/1,
    so the LM family can be re-scored without the encoders' checkpoints."""
    from . import eeg, fmri
    C.setup_torch(1)
    model, tok, _ = load_model()
    d = ns.load(C.data_dir(0))
    attrs = {k: v[:200] for k, v in d["test_attrs"].items()}
    x = eeg.test_trials(C.data_dir(0), 0)
    e_eeg = C.ort_session(os.path.join(C.REPO, "eeg-encoder", "1", "model.onnx")).run(
        None, {"eeg": x.astype(np.float32), "subject": np.zeros(len(x), np.int64)})[0]
    vox = fmri.pool(np.load(f"{C.data_dir(0)}/fmri_subj01_test.npy").mean(1))
    hid = C.ort_session(os.path.join(C.REPO, "fmri-adapter-subj01", "1", "model.onnx")).run(None, {"voxels": vox})[0]
    e_fmri = C.ort_session(os.path.join(C.REPO, "fmri-translator", "1", "model.onnx")).run(None, {"hidden": hid})[0]
    return {"image_embedding": brain_caption_eval(eeg.image_targets(d, "test"), attrs, model, tok),
            "eeg_sub-01_deep": brain_caption_eval(e_eeg, attrs, model, tok),
            "fmri_subj01_deep": brain_caption_eval(e_fmri, attrs, model, tok)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["train", "heads", "export", "export-heads", "eval", "verify", "init-from-onnx", "brain-eval"])
    ap.add_argument("--write-cards", action="store_true", help="brain-eval: write the rows into the brain-projector card")
    ap.add_argument("--minutes", type=float, default=25)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--restart", action="store_true", help="train: new run (optimizer, schedule) from the checkpoint's weights")
    ap.add_argument("--lr", type=float, default=1.5e-3, help="train: peak learning rate (cosine schedule over --minutes)")
    ap.add_argument("--colour-swap", type=float, default=0.0,
                    help="probability of replacing each colour word of the teacher-forced input by another colour "
                         "(0.5 in the --restart stage; from scratch it stops the LM learning held-out shapes, see models/README.md)")
    a = ap.parse_args()
    if a.cmd == "train":
        train(a.minutes, a.seed, lr=a.lr, colour_swap=a.colour_swap, restart=a.restart)
    elif a.cmd == "init-from-onnx":
        init_from_onnx()
    elif a.cmd == "brain-eval":
        r = brain_captioning_onnx()
        print(r)
        if a.write_cards:
            C.update_evaluation("brain-projector", 1, {"brain_captioning_heldout": r})
    elif a.cmd == "heads":
        train_heads(a.minutes, a.seed)
    elif a.cmd == "export":
        export()
    elif a.cmd == "export-heads":
        C.setup_torch(1)
        m, tok, _ = load_model()
        export_heads(m, tok)
    elif a.cmd == "verify":
        C.setup_torch(1)
        m, tok, _ = load_model()
        verify(m, tok)
    else:
        print(evaluate())
