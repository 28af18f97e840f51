"""Writes the bad-input corpus next to this script (committed; rerun only to change it).

Every case is listed in manifest.json with how it is sent and the outcome it must get:
"4xx" (refused by the gateway, problem+json) or "failed" (accepted, then the job FAILED with a
code and a reason). BadInputCorpusEndToEndTest sends each one to the local stack.
Needs only the Python standard library; samples come from models/samples.
"""
import base64, gzip, json, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../../../.."))
SAMPLES = os.path.join(ROOT, "models", "samples")
cases = []


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def case(name, data, via, pipeline, field, expect, why):
    write(name, data)
    cases.append({"file": name, "via": via, "pipeline": pipeline, "field": field, "expect": expect, "why": why})


def eeg_body(datatype="FP32", shape=(63, 250), data=None, raw=None):
    if raw is None:
        n = 1
        for d in shape:
            n *= max(d, 0)
        data = data if data is not None else [0.5] * min(n, 63 * 250)
        raw = json.dumps({"datatype": datatype, "shape": list(shape), "data": data})
    return '{"pipeline":"eeg-encode","inputs":{"eeg":' + raw + '}}'


def npy(descr, shape, payload, magic=b"\x93NUMPY", version=b"\x01\x00"):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    return magic + version + struct.pack("<H", len(header)) + header.encode("latin1") + payload


def png_chunk(kind, data):
    import zlib
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


valid = eeg_body()
# ---- JSON bodies (POST /v1/jobs, application/json)
case("json/empty.json", "", "json", "eeg-encode", "", "4xx", "empty body")
case("json/truncated.json", valid[: len(valid) // 2], "json", "eeg-encode", "", "4xx", "JSON cut in the middle")
case("json/not-an-object.json", "[1, 2, 3]", "json", "eeg-encode", "", "4xx", "top level is an array")
case("json/deeply-nested.json", '{"pipeline":"eeg-encode","inputs":{"eeg":' + "[" * 100000 + "]" * 100000 + "}}",
     "json", "eeg-encode", "", "4xx", "100,000 nested arrays")
case("json/nested-data.json", eeg_body(raw='{"datatype":"FP32","shape":[63,250],"data":' + "[" * 3000 + "1" + "]" * 3000 + "}"),
     "json", "eeg-encode", "inputs.eeg", "4xx", "tensor data nested 3,000 deep")
case("json/nan-literal.json", eeg_body(raw='{"datatype":"FP32","shape":[2],"data":[NaN, 1]}'), "json", "eeg-encode",
     "inputs.eeg", "4xx", "NaN is not JSON")
case("json/nan-string.json", eeg_body(data=["NaN"] + [0.5] * (63 * 250 - 1)), "json", "eeg-encode", "inputs.eeg", "4xx",
     "NaN as a string")
case("json/infinite.json", eeg_body(data=[1e39] + [0.5] * (63 * 250 - 1)), "json", "eeg-encode", "inputs.eeg", "4xx",
     "1e39 overflows float32")
case("json/negative-dimension.json", eeg_body(shape=(-63, 250), data=[]), "json", "eeg-encode", "inputs.eeg", "4xx",
     "negative dimension")
case("json/huge-dimensions.json", eeg_body(shape=(9223372036854775807, 9223372036854775807), data=[]), "json",
     "eeg-encode", "inputs.eeg", "4xx", "dimensions whose product overflows")
case("json/wrong-shape.json", eeg_body(shape=(2, 2), data=[1, 2, 3, 4]), "json", "eeg-encode", "inputs.eeg", "4xx",
     "shape the model does not take")
case("json/data-shorter-than-shape.json", eeg_body(data=[0.5] * 10), "json", "eeg-encode", "inputs.eeg", "4xx",
     "fewer elements than the shape")
case("json/wrong-dtype.json", eeg_body(datatype="INT64", data=[1] * (63 * 250)), "json", "eeg-encode", "inputs.eeg",
     "4xx", "INT64 where FP32 is expected")
case("json/unknown-dtype.json", eeg_body(datatype="FP64"), "json", "eeg-encode", "inputs.eeg", "4xx", "no such datatype")
case("json/unknown-pipeline.json", '{"pipeline":"no-such","inputs":{}}', "json", "no-such", "pipeline", "4xx",
     "unknown pipeline")
case("json/bad-base64-image.json", '{"pipeline":"image-caption","inputs":{"image":{"contentType":"image/png","base64":"!!not base64!!"}}}',
     "json", "image-caption", "inputs.image", "4xx", "image that is not base64")
png = open(os.path.join(SAMPLES, "stim_00.png"), "rb").read()
case("json/truncated-png-base64.json", '{"pipeline":"image-caption","inputs":{"image":{"contentType":"image/png","base64":"%s"}}}'
     % base64.b64encode(png[: len(png) // 2]).decode(), "json", "image-caption", "inputs.image", "failed",
     "PNG cut in half, sent inline")

# ---- uploaded files (POST /v1/jobs, multipart/form-data, field = the pipeline's input)
f32 = struct.pack("<%df" % (63 * 250), *([0.5] * (63 * 250)))
good_npy = npy("<f4", "(63, 250)", f32)
case("npy/truncated.npy", good_npy[: len(good_npy) // 3], "multipart", "eeg-encode", "eeg", "4xx", "data cut short")
case("npy/header-only.npy", good_npy[:40], "multipart", "eeg-encode", "eeg", "4xx", "header cut short")
case("npy/corrupt-header.npy", npy("<f4", "(63, 250", f32), "multipart", "eeg-encode", "eeg", "4xx", "unclosed shape")
case("npy/huge-dimensions.npy", npy("<f4", "(1099511627776, 1099511627776)", b"\0" * 16), "multipart", "eeg-encode", "eeg",
     "4xx", "2^80 elements declared")
case("npy/negative-dimension.npy", npy("<f4", "(-63, 250)", f32), "multipart", "eeg-encode", "eeg", "4xx", "negative dimension")
case("npy/complex-dtype.npy", npy("<c8", "(63, 250)", f32 * 2), "multipart", "eeg-encode", "eeg", "4xx", "complex numbers")
case("npy/string-dtype.npy", npy("<U4", "(2,)", b"\0" * 32), "multipart", "eeg-encode", "eeg", "4xx", "unicode strings")
case("npy/nan.npy", npy("<f4", "(63, 250)", struct.pack("<f", float("nan")) + f32[4:]), "multipart", "eeg-encode", "eeg",
     "4xx", "NaN in the data")
case("npy/infinity.npy", npy("<f4", "(63, 250)", struct.pack("<f", float("inf")) + f32[4:]), "multipart", "eeg-encode",
     "eeg", "4xx", "+Inf in the data")
case("npy/bad-magic.npy", b"\x93NUMPZ" + good_npy[6:], "multipart", "eeg-encode", "eeg", "4xx", "wrong magic")
edf = open(os.path.join(SAMPLES, "eeg_sub-01_run-01.edf"), "rb").read()
case("edf/truncated.edf", edf[:700], "multipart", "eeg-encode", "eeg", "failed", "EDF header cut short")
case("edf/corrupt-header.edf", b"0       " + b"X" * 248 + edf[256:4096], "multipart", "eeg-encode", "eeg", "failed",
     "EDF with a garbage header")
nii = gzip.decompress(open(os.path.join(SAMPLES, "fmri_subj01_mask.nii.gz"), "rb").read())
case("nifti/truncated.nii", nii[:200], "multipart", "eeg-encode", "eeg", "failed", "NIfTI header cut short")
case("nifti/corrupt.nii.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 64, "multipart", "eeg-encode", "eeg", "failed",
     "gzip stream that is not one")
case("png/truncated.png", png[: len(png) // 2], "multipart", "image-caption", "image", "failed", "PNG cut in half")
ihdr = struct.pack(">IIBBBBB", 2 ** 31 - 1, 2 ** 31 - 1, 8, 2, 0, 0, 0)
case("png/huge-dimensions.png", png[:8] + png_chunk(b"IHDR", ihdr) + png[33:], "multipart", "image-caption", "image",
     "failed", "IHDR declares 2^31-1 x 2^31-1 pixels")
case("png/garbage-after-magic.png", png[:8] + b"\xde\xad\xbe\xef" * 64, "multipart", "image-caption", "image", "failed",
     "PNG magic, then garbage")
case("upload/path-traversal.npy", good_npy, "multipart-traversal", "eeg-encode", "eeg", "4xx",
     "file name ../../etc/passwd")

# ---- protobuf records on the Kafka ingress (neuropipe.jobs.requests): answered with a FAILED status
case("protobuf/garbage.bin", b"\xff\xff\xff\xff\x0f\x12\x34", "kafka", "", "", "failed", "not a JobRequest")
case("protobuf/truncated.bin", b"\x0a\x20" + b"a" * 10, "kafka", "", "", "failed", "length-delimited field cut short")

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
print(len(cases), "cases")
