"""Attribute accuracy (attribute-classifier/1) and mean pixel difference of generations: full UNet vs encoder
propagation with the paper key steps vs uniform every 4, via the zoo's ddim_sample over the exported ONNX halves;
128 val + 128 test image embeddings of neuroshapes seed 0.

  cd models && NEUROPIPE_ZOO_REPO=$PWD/repository PYTHONPATH=. ../.venv/bin/python \
      ../services/image-generator/src/test/python/eval_schedules.py
"""
import json, os, numpy as np, torch
from neuropipe_zoo import common as C, neuroshapes as ns, unet, eeg
torch.set_num_threads(1)
d = ns.load(C.data_dir(0))
enc = unet.OrtHalf(os.path.join(C.REPO, "unet-encoder", "1", "model.onnx"))
dec = unet.OrtHalf(os.path.join(C.REPO, "unet-decoder", "1", "model.onnx"))
cls = C.ort_session(os.path.join(C.REPO, "attribute-classifier", "1", "model.onnx"))
res = {}
for split in ("val", "test"):
    cond = eeg.image_targets(d, split)[:128]
    attrs = {k: v[:128] for k, v in d[f"{split}_attrs"].items()}
    imgs = {}
    for mode, prop, keys in (("full", False, unet.KEY_STEPS), ("keysteps", True, unet.KEY_STEPS), ("uniform4", True, tuple(range(0, 50, 4)))):
        outs = []
        for i in range(0, len(cond), 32):
            x, _ = unet.ddim_sample(enc, dec, torch.from_numpy(cond[i:i + 32]), 50, 3.0, i, propagate=prop, key_steps=keys)
            outs.append(unet.to_u8(x))
        u8 = np.concatenate(outs); imgs[mode] = u8
        logits = cls.run(None, {"pixel_values": C.normalise_images(u8)})
        accs = [float((lg.argmax(1) == attrs[k]).mean()) for k, lg in zip(("shape", "colour", "size", "position"), logits)]
        res[f"{split}/{mode}"] = {"mean_attribute_acc": round(float(np.mean(accs)), 4),
                                  "mean_pixel_diff_vs_full": round(float(np.abs(u8.astype(float) - imgs["full"].astype(float)).mean()), 2)}
print(json.dumps(res, indent=1))
