"""Writes the model zoo's held-out test images (split 'test' of data seed 0: make_stimuli(200, 3, 'only'), the
images models/neuropipe_zoo/lm.py evaluates on; primary shape/colour = concepts never trained on) or, with split
'val', its validation images (make_stimuli(500, 2, 'exclude'), in-distribution) for the pruning benchmark,
without torch:
  <out>/images.u8   uint8 [n, 32, 32, 3] RGB, row-major
  <out>/index.json  {"stimuli": [{"file": "#i", "shape", "colour", "size", "position", "caption", "qa"}]}
Run from the repository root: python3 services/token-pruner/src/test/python/heldout_images.py <out> [n] [test|val]
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.getcwd(), "models"))
from neuropipe_zoo import neuroshapes as ns  # noqa: E402

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
os.makedirs(out, exist_ok=True)
split = sys.argv[3] if len(sys.argv) > 3 else "test"
imgs, attrs = ns.make_stimuli(200, 3, "only") if split == "test" else ns.make_stimuli(500, 2, "exclude")
imgs, attrs = imgs[:n], attrs[:n]
imgs.tofile(os.path.join(out, "images.u8"))
stimuli = [{"file": f"#{i}", "shape": ns.SHAPES[a["shape"]], "colour": ns.COLOURS[a["colour"]], "size": ns.SIZES[a["size"]],
            "position": ns.POSITIONS[a["position"]], "caption": a["caption"], "qa": [list(p) for p in a["qa"]]}
           for i, a in enumerate(attrs)]
with open(os.path.join(out, "index.json"), "w") as fh:
    json.dump({"note": f"zoo {split} split (data seed 0)", "stimuli": stimuli}, fh)
print(f"wrote {len(stimuli)} images to {out}")
