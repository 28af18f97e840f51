#!/usr/bin/env python3
"""Runs every model of the repository on a GPU execution provider and on CPU and compares outputs.

For each models/repository/<name>/<version>/model.onnx the model's fixture.json inputs (or, for a
model without a fixture, seeded synthetic inputs built from the graph's input metadata) run once on
ONNX Runtime's CPUExecutionProvider and once on the chosen GPU provider; the script prints the
largest absolute difference per output and fails when one exceeds the tolerance (integer outputs
must match exactly). It also checks that the session really runs on the GPU provider: ONNX Runtime
silently falls back to CPU when CUDA cannot load, which would make every comparison pass.

Run it on a GPU machine, in a virtual environment of its own (onnxruntime and onnxruntime-gpu
cannot be installed side by side); use the ONNX Runtime version the Java services use:

    python3 -m venv .venv-gpu && .venv-gpu/bin/pip install onnxruntime-gpu==1.29.0 numpy
    .venv-gpu/bin/python models/check_cuda.py                     # CUDA, tolerance 1e-3
    .venv-gpu/bin/python models/check_cuda.py --ep tensorrt --json cuda-check.json
    python3 models/check_cuda.py --ep cpu                         # self-test without a GPU

Exit status: 0 all within tolerance, 1 a difference too large or a model failed, 2 the provider
is not available in this onnxruntime build or on this machine.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

ROOT = Path(__file__).resolve().parent
PROVIDERS = {
    "cuda": "CUDAExecutionProvider",
    "tensorrt": "TensorrtExecutionProvider",
    "cpu": "CPUExecutionProvider",
}
FIXTURE_DTYPES = {
    "FP32": np.float32, "FP16": np.float16, "INT64": np.int64, "INT32": np.int32,
    "UINT8": np.uint8, "BOOL": np.bool_,
}
GRAPH_DTYPES = {
    "tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(int64)": np.int64,
    "tensor(int32)": np.int32, "tensor(uint8)": np.uint8, "tensor(bool)": np.bool_,
}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repository", type=Path, default=ROOT / "repository",
                   help="model repository (default: models/repository)")
    p.add_argument("--ep", choices=sorted(PROVIDERS), default="cuda",
                   help="provider to compare with CPU; `cpu` compares CPU with itself (script self-test)")
    p.add_argument("--device-id", type=int, default=0)
    p.add_argument("--tolerance", type=float, default=1e-3, help="max abs difference per float output")
    p.add_argument("--no-tf32", action="store_true",
                   help="disable TF32 matmuls on CUDA (the services run with ONNX Runtime's default: on)")
    p.add_argument("--trt-fp16", action="store_true", help="let TensorRT use FP16 (expect larger differences)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per provider after one warm-up")
    p.add_argument("--model", action="append", default=[], help="only these model names (repeatable)")
    p.add_argument("--json", type=Path, help="also write the results here")
    return p.parse_args(argv)


def model_dirs(repository: Path, only):
    for onnx in sorted(repository.glob("*/*/model.onnx")):
        name, version = onnx.parent.parent.name, onnx.parent.name
        if version.isdigit() and (not only or name in only):
            yield name, int(version), onnx.parent


def provider_options(args):
    if args.ep == "cuda":
        opts = {"device_id": str(args.device_id)}
        if args.no_tf32:
            opts["use_tf32"] = "0"
        return [(PROVIDERS["cuda"], opts), PROVIDERS["cpu"]]
    if args.ep == "tensorrt":
        trt = {"device_id": str(args.device_id), "trt_fp16_enable": "1" if args.trt_fp16 else "0"}
        return [(PROVIDERS["tensorrt"], trt), (PROVIDERS["cuda"], {"device_id": str(args.device_id)}),
                PROVIDERS["cpu"]]
    return [PROVIDERS["cpu"]]


def session(path: Path, providers):
    names, options = [], []
    for p in providers:
        name, opts = (p, {}) if isinstance(p, str) else p
        names.append(name)
        options.append(opts)
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), sess_options=so, providers=names, provider_options=options)


def fixture_inputs(model_dir: Path, sess):
    fixture = model_dir / "fixture.json"
    if fixture.is_file():
        spec = json.loads(fixture.read_text())
        inputs = {}
        for name, t in spec["inputs"].items():
            data = [float(v) if isinstance(v, str) else v for v in t["data"]]  # "nan"/"inf" as strings
            inputs[name] = np.asarray(data, dtype=FIXTURE_DTYPES[t["dtype"].upper()]).reshape(t["shape"])
        return inputs, "fixture"
    rng = np.random.default_rng(0)
    inputs = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) and d > 0 else 1 for d in i.shape]
        dtype = GRAPH_DTYPES.get(i.type)
        if dtype is None:
            raise ValueError(f"input {i.name}: unsupported type {i.type}")
        if np.issubdtype(dtype, np.floating):
            inputs[i.name] = rng.standard_normal(shape).astype(dtype)
        else:
            inputs[i.name] = np.zeros(shape, dtype=dtype)  # ids/masks: 0 is valid for every zoo model
        # (a model whose integer inputs need other values should ship a fixture)
    return inputs, "synthetic"


def timed_run(sess, inputs, runs):
    names = [o.name for o in sess.get_outputs()]
    outputs = sess.run(names, inputs)  # warm-up (TensorRT builds its engine here)
    times = []
    for _ in range(max(runs, 0)):
        start = time.perf_counter()
        sess.run(names, inputs)
        times.append(time.perf_counter() - start)
    median_ms = 1000 * float(np.median(times)) if times else math.nan
    return dict(zip(names, outputs)), median_ms


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return math.inf
    if a.size == 0:
        return 0.0
    if not np.issubdtype(a.dtype, np.floating):
        return float(np.max(np.abs(a.astype(np.int64) - b.astype(np.int64))))
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    same_special = (np.isnan(a64) & np.isnan(b64)) | (np.isinf(a64) & (a64 == b64))
    diff = np.where(same_special, 0.0, np.abs(a64 - b64))
    return float(np.nan_to_num(np.max(diff), nan=math.inf))


def check_model(name, version, model_dir, args, gpu_providers):
    result = {"model": name, "version": version, "outputs": [], "ok": False}
    cpu = session(model_dir / "model.onnx", [PROVIDERS["cpu"]])
    gpu = session(model_dir / "model.onnx", gpu_providers)
    active = gpu.get_providers()
    result["providers"] = active
    if active[0] != PROVIDERS[args.ep]:
        result["error"] = f"session runs on {active[0]}, not {PROVIDERS[args.ep]}"
        return result
    inputs, source = fixture_inputs(model_dir, cpu)
    result["inputs"] = source
    cpu_out, result["cpu_ms"] = timed_run(cpu, inputs, args.runs)
    gpu_out, result["ep_ms"] = timed_run(gpu, inputs, args.runs)
    ok = True
    for out_name, expected in cpu_out.items():
        got = gpu_out[out_name]
        diff = max_abs_diff(expected, got)
        limit = args.tolerance if np.issubdtype(expected.dtype, np.floating) else 0.0
        passed = diff <= limit
        ok &= passed
        result["outputs"].append({"name": out_name, "dtype": str(expected.dtype), "shape": list(expected.shape),
                                  "max_abs_diff": diff, "tolerance": limit, "ok": passed})
    result["ok"] = ok
    return result


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    available = ort.get_available_providers()
    wanted = PROVIDERS[args.ep]
    print(f"onnxruntime {ort.__version__} ({ort.get_device()}), providers available: {', '.join(available)}")
    if wanted not in available:
        print(f"{wanted} is not available in this onnxruntime build: install onnxruntime-gpu "
              f"(and CUDA 12 + cuDNN 9{' + TensorRT' if args.ep == 'tensorrt' else ''})", file=sys.stderr)
        return 2
    models = list(model_dirs(args.repository, set(args.model)))
    if not models:
        print(f"no models under {args.repository}", file=sys.stderr)
        return 1
    gpu_providers = provider_options(args)
    results = []
    print(f"{'model':<28} {'output':<24} {'max |ep - cpu|':>15} {'tolerance':>10}  result")
    for name, version, model_dir in models:
        try:
            r = check_model(name, version, model_dir, args, gpu_providers)
        except Exception as e:  # a model that cannot load or run on the provider is a failure, not a crash
            r = {"model": name, "version": version, "outputs": [], "ok": False, "error": f"{type(e).__name__}: {e}"}
        results.append(r)
        label = f"{name}/{version}"
        if "error" in r:
            print(f"{label:<28} {'-':<24} {'-':>15} {'-':>10}  FAIL  {r['error']}")
            continue
        for o in r["outputs"]:
            print(f"{label:<28} {o['name']:<24} {o['max_abs_diff']:>15.3e} {o['tolerance']:>10.0e}  "
                  f"{'ok' if o['ok'] else 'FAIL'}")
            label = ""
        print(f"{'':<28} ({r['inputs']} inputs; median {r['cpu_ms']:.2f} ms cpu, {r['ep_ms']:.2f} ms {args.ep})")
    failed = [f"{r['model']}/{r['version']}" for r in results if not r["ok"]]
    summary = {"onnxruntime": ort.__version__, "ep": args.ep, "device_id": args.device_id,
               "tolerance": args.tolerance, "tf32": not args.no_tf32, "models": results, "failed": failed}
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    print(f"\n{len(results) - len(failed)}/{len(results)} models within tolerance on {wanted}"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
