"""Writes the tiny hand-built ONNX graphs the runtime's unit tests load (not trained models:
their weights are fixed constants chosen so expected outputs can be worked out by hand).
Run: .venv/bin/python services/runtime/src/test/resources/make_test_models.py"""
import hashlib, json, os
import numpy as np
import onnx
from onnx import TensorProto, helper

here = os.path.dirname(os.path.abspath(__file__))

def affine(version, scale):
    # y[b, j] = scale * sum_i x[b, i] * W[i, j] + bias[j], W = [[1,0],[0,1],[1,1]]
    W = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32) * scale
    bias = np.array([0.5, -0.5], dtype=np.float32)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "bias"], ["y"])]
    graph = helper.make_graph(nodes, "affine", [x], [y],
                              [onnx.numpy_helper.from_array(W, "W"), onnx.numpy_helper.from_array(bias, "bias")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    d = os.path.join(here, "repository", "affine", str(version))
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "model.onnx")
    onnx.save(model, path)
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    with open(os.path.join(d, "model.yaml"), "w") as f:
        f.write(f"""name: affine
version: {version}
trained: false
description: hand-set affine map for runtime tests (scale {scale})
max_batch_size: 16
sha256: {sha}
inputs:
  - {{name: x, role: features, dtype: FP32, shape: [-1, 3]}}
outputs:
  - {{name: y, role: projection, dtype: FP32, shape: [-1, 2]}}
provenance:
  script: services/runtime/src/test/resources/make_test_models.py
""")
    xin = np.array([[1, 2, 3]], dtype=np.float32)
    yout = xin @ W + bias
    json.dump({"inputs": {"x": {"dtype": "FP32", "shape": [1, 3], "data": xin.ravel().tolist()}},
               "outputs": {"y": {"dtype": "FP32", "shape": [1, 2], "data": yout.ravel().tolist()}}},
              open(os.path.join(d, "fixture.json"), "w"))

affine(1, 1.0)
affine(2, 2.0)
