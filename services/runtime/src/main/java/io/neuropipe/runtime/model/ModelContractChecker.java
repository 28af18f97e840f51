package io.neuropipe.runtime.model;

import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import io.neuropipe.proto.v1.DataType;

/** Compares a graph's inputs and outputs with its card (DJL-style fail-fast at load time). */
final class ModelContractChecker {

    void check(ModelCard card, Map<String, NodeInfo> graphInputs, Map<String, NodeInfo> graphOutputs) {
        for (String graphInput : graphInputs.keySet()) {
            if (card.inputs().stream().noneMatch(t -> t.name().equals(graphInput))) {
                throw new ModelContractException("Model " + card.id() + ": graph input '" + graphInput
                    + "' is not declared in model.yaml");
            }
        }
        for (TensorSpec spec : card.inputs()) {
            compare(card, "input", spec, graphInputs.get(spec.name()));
        }
        for (TensorSpec spec : card.outputs()) {
            compare(card, "output", spec, graphOutputs.get(spec.name()));
        }
    }

    private void compare(ModelCard card, String kind, TensorSpec spec, NodeInfo node) {
        String where = "Model " + card.id() + ": " + kind + " '" + spec.name() + "'";
        if (node == null) {
            throw new ModelContractException(where + " is declared in model.yaml but the graph has no such " + kind);
        }
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new ModelContractException(where + " is not a tensor in the graph");
        }
        DataType graphType = dataType(info.type);
        if (graphType != spec.dtype()) {
            throw new ModelContractException(where + " is " + graphType + " in the graph but " + spec.dtype() + " in model.yaml");
        }
        long[] dims = info.getShape();
        if (dims.length != spec.shape().size()) {
            throw new ModelContractException(where + " has rank " + dims.length + " in the graph but shape "
                + spec.describeShape() + " in model.yaml");
        }
        for (int i = 0; i < dims.length; i++) {
            long declared = spec.shape().get(i);
            if (declared >= 0 && dims[i] >= 0 && declared != dims[i]) {
                throw new ModelContractException(where + " dimension " + i + " is " + dims[i] + " in the graph but "
                    + declared + " in model.yaml");
            }
        }
    }

    static DataType dataType(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> DataType.FP32;
            case FLOAT16 -> DataType.FP16;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOL;
            case STRING -> DataType.BYTES;
            default -> DataType.DATA_TYPE_UNSPECIFIED;
        };
    }
}
