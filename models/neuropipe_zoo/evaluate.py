"""Evaluation table of the model zoo (held-out concepts of seed 0 + a fresh --fresh-seed data set).

models/evaluate [--fresh-seed 1] [--gen-n 64] [--write-cards] [--skip lm,gen,...]
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch

from . import common as C
from . import neuroshapes as ns


def fresh_data(seed):
    d = C.data_dir(seed)
    mp = os.path.join(d, "meta.json")
    ok = False
    if os.path.exists(mp):
        with open(mp) as fh:
            ok = json.load(fh).get("subject_seed") == 0
    if not ok:
        print(f"generating fresh stimuli/trials: seed {seed}, trained subjects (subject seed 0) ...", flush=True)
        ns.generate(d, seed, subject_seed=0, n_train=1000, n_val=200, n_test=200, fmri_train=1000, log=lambda *a: None)
    return d


def fmt(v):
    return f"{100 * v:5.1f}%" if isinstance(v, float) else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--fresh-seed", type=int, default=1)
    ap.add_argument("--gen-n", type=int, default=64, help="images generated per split for the UNet score")
    ap.add_argument("--write-cards", action="store_true", help="write the measured numbers into model.yaml evaluation")
    ap.add_argument("--skip", default="", help="comma list of: eeg,fmri,lm,heads,gen")
    ap.add_argument("--json", default=None, help="also write all numbers to this JSON file")
    a = ap.parse_args()
    C.setup_torch(1)
    skip = set(filter(None, a.skip.split(",")))
    C.ensure_data(0)
    fd = fresh_data(a.fresh_seed)
    R = {}
    t0 = time.time()
    sets = [("heldout", 0), (f"fresh{a.fresh_seed}", a.fresh_seed)]
    if "eeg" not in skip:
        from . import eeg
        R["eeg"] = {name: eeg.evaluate(seed) for name, seed in sets}
    if "fmri" not in skip:
        from . import fmri
        R["fmri"] = {name: fmri.evaluate(seed) for name, seed in sets}
        R["fmri"]["reset_tune_new_subject"] = fmri.reset_tune(7, 300, 2.0)
    if "lm" not in skip:
        from . import lm
        R["lm"] = {name: lm.evaluate(200, seed, keep_ratios=(1.0, 0.5, 0.25) if seed == 0 else (1.0,)) for name, seed in sets}
    if "lm" not in skip and "eeg" not in skip:
        from . import lm, eeg, fmri
        d = ns.load(C.data_dir(0))
        attrs = {k: v[:200] for k, v in d["test_attrs"].items()}
        m, _ = eeg.load_model()
        bc = {"image_embedding": lm.brain_caption_eval(eeg.image_targets(d, "test"), attrs)}
        bc["eeg_sub-01_deep"] = lm.brain_caption_eval(eeg.embed(m, eeg.test_trials(C.data_dir(0), 0), 0), attrs)
        fm, _ = fmri.load()
        with torch.no_grad():
            te = fmri.pool(np.load(f"{C.data_dir(0)}/fmri_subj01_test.npy").mean(1))
            bc["fmri_subj01_deep"] = lm.brain_caption_eval(fm.translator(fm.adapters[0](torch.from_numpy(te))).numpy(), attrs)
        R["brain_captioning_heldout"] = bc
    if "heads" not in skip:
        from . import lm
        m, tok, _ = lm.load_model()
        R["heads"] = lm.head_acceptance(m, tok, 100, 0)
    if "gen" not in skip:
        from . import unet, eeg
        R["gen"] = {}
        for name, seed in sets:
            d = ns.load(C.data_dir(seed))
            for split in ("val", "test"):
                cond = eeg.image_targets(d, split)[:a.gen_n]
                attrs = {k: v[:a.gen_n] for k, v in d[f"{split}_attrs"].items()}
                r, imgs = unet.eval_generation(cond, attrs)
                R["gen"][f"{name}_{split}"] = r
                from PIL import Image
                g = np.concatenate([np.concatenate(list(d[f"{split}_images"][:16]), 1),
                                    np.concatenate(list(imgs["full"][:16]), 1),
                                    np.concatenate(list(imgs["encoder_propagation"][:16]), 1)], 0)
                Image.fromarray(g).save(os.path.join(C.CACHE, f"gen_{name}_{split}.png"))
            if not name.startswith("heldout"):
                break
    R["wall_seconds"] = round(time.time() - t0, 1)
    print_table(R)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(R, fh, indent=1)
    if a.write_cards:
        write_cards(R)


def print_table(R):
    print("\n=== NeuroPipe model zoo evaluation (held-out concepts = 200 test stimuli of 8 unseen shape/colour concepts) ===")
    if "eeg" in R:
        print("\nEEG retrieval (test trials = mean of 4 repetitions; mean over 4 subjects)")
        print(f"{'set':<10} {'model':<22} {'50w top1':>9} {'50w top5':>9} {'200w top1':>10} {'200w top5':>10}")
        for s, v in R["eeg"].items():
            for m, r in v.items():
                print(f"{s:<10} {m:<22} {fmt(r['50way_top1']):>9} {fmt(r['50way_top5']):>9} {fmt(r['200way_top1']):>10} {fmt(r['200way_top5']):>10}")
    if "fmri" in R:
        print("\nfMRI retrieval (test betas = mean of 3 repetitions; mean over 4 subjects)")
        print(f"{'set':<10} {'model':<22} {'50w top1':>9} {'50w top5':>9} {'200w top1':>10} {'200w top5':>10}")
        for s, v in R["fmri"].items():
            if s == "reset_tune_new_subject":
                continue
            for m, r in v.items():
                print(f"{s:<10} {m:<22} {fmt(r['50way_top1']):>9} {fmt(r['50way_top5']):>9} {fmt(r['200way_top1']):>10} {fmt(r['200way_top5']):>10}")
        rt = R["fmri"]["reset_tune_new_subject"]
        print(f"new subject (reset-tuned adapter, {rt['train_samples']} samples, {rt['seconds']}s): deep 200w top1 {fmt(rt['deep_200way_top1'])}"
              f" vs ridge {fmt(rt['ridge_200way_top1'])}")
    if "lm" in R:
        print("\nLM captioning / VQA (200 images per split; greedy)")
        for s, v in R["lm"].items():
            for split in ("val", "test"):
                c = v[f"caption_{split}"]
                print(f"{s:<10} {split:<5} caption attr acc {fmt(c['attribute_acc'])} (shape {fmt(c['shape_acc'])}, colour {fmt(c['colour_acc'])},"
                      f" size {fmt(c['size_acc'])}, position {fmt(c['position_acc'])}), all-correct {fmt(c['all_correct'])};"
                      f" question acc {fmt(v[f'question_acc_{split}'])}; perplexity {v[f'perplexity_{split}']:.3f}")
                for kr in (50, 25):
                    k = f"caption_{split}_keep{kr}"
                    if k in v:
                        print(f"{'':<10} {split:<5}   random {kr}% of vision tokens kept: caption attr acc {fmt(v[k]['attribute_acc'])}")
    if "brain_captioning_heldout" in R:
        print("\nBrain captioning (held-out concepts, 200 test stimuli; 4-token prefix from brain-projector)")
        for k, c in R["brain_captioning_heldout"].items():
            print(f"  {k:<20} caption attr acc {fmt(c['attribute_acc'])} (shape {fmt(c['shape_acc'])}, colour {fmt(c['colour_acc'])},"
                  f" size {fmt(c['size_acc'])}, position {fmt(c['position_acc'])}), all-correct {fmt(c['all_correct'])}")
    if "heads" in R:
        h = R["heads"]
        print(f"\nSpeculative heads (top-1 acceptance vs the base model's greedy tokens, {h['positions']} positions)")
        print("  Medusa per head:", ", ".join(fmt(x) for x in h["medusa_top1_acceptance_per_head"]))
        print("  Hydra per depth:", ", ".join(fmt(x) for x in h["hydra_top1_acceptance_per_depth"]))
    if "gen" in R:
        print("\nGenerated images (50 DDIM steps, CFG 3, condition = image embedding; scored by attribute-classifier/1)")
        for s, r in R["gen"].items():
            for mode in ("full", "encoder_propagation"):
                x = r[mode]
                print(f"{s:<14} {mode:<20} shape {fmt(x['shape_acc'])} colour {fmt(x['colour_acc'])} size {fmt(x['size_acc'])}"
                      f" position {fmt(x['position_acc'])} | mean {fmt(x['mean_attribute_acc'])} all {fmt(x['all_correct'])}"
                      f" | {x['seconds']}s, encoder calls {x['encoder_calls']}")
            print(f"{'':<14} encoder-propagation speed-up {r['speedup']}x (n={r['n']})")
    print(f"\n(evaluation wall time {R['wall_seconds']}s)")


def write_cards(R):
    up = C.update_evaluation
    if "eeg" in R:
        up("eeg-encoder", 1, {s: {"deep": v["deep"], "deep_subject_agnostic": v["deep_agnostic"]} for s, v in R["eeg"].items()})
        up("eeg-ridge", 1, {s: v["ridge"] for s, v in R["eeg"].items()})
    if "fmri" in R:
        up("fmri-translator", 1, {k: v for k, v in R["fmri"].items()})
    if "lm" in R:
        up("lm", 1, R["lm"])
        up("vision-projector", 1, {s: {k: v[k] for k in v if k.startswith("caption_val") or k.startswith("caption_test")} for s, v in R["lm"].items()})
    if "brain_captioning_heldout" in R:
        up("brain-projector", 1, {"brain_captioning_heldout": R["brain_captioning_heldout"]})
    if "heads" in R:
        up("medusa-heads", 1, {"medusa_top1_acceptance_per_head": R["heads"]["medusa_top1_acceptance_per_head"], "positions": R["heads"]["positions"]})
        up("hydra-head", 1, {"hydra_top1_acceptance_per_depth": R["heads"]["hydra_top1_acceptance_per_depth"], "positions": R["heads"]["positions"]})
    if "gen" in R:
        up("unet-encoder", 1, {"generation": R["gen"]})
        up("unet-decoder", 1, {"generation": R["gen"]})
    # model.yaml changed -> nothing else to update (sha256 covers model.onnx only)


if __name__ == "__main__":
    main()
