package io.neuropipe.gateway.job;

import java.util.List;
import java.util.Map;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.config.LimitsProperties;
import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.gateway.pipeline.ModelCards;
import io.neuropipe.gateway.pipeline.PipelineSpec;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.TensorSpec;
import org.springframework.stereotype.Component;

/**
 * Checks a job's inputs against its pipeline's declaration and, for tensors, against the card of
 * the model they feed: datatype, and shape against the card's shape without its batch dimension.
 * The same checks run for REST and Kafka requests.
 */
@Component
public class InputValidator {

    private final ModelCards cards;
    private final int maxTensorBytes;
    private final long maxTensorElements;

    public InputValidator(ModelCards cards, GatewayProperties properties, LimitsProperties limits) {
        this.cards = cards;
        this.maxTensorBytes = properties.maxTensorBytes();
        this.maxTensorElements = limits.maxTensorElements();
    }

    public void validate(PipelineSpec pipeline, Map<String, Artifact> inputs) {
        for (String name : inputs.keySet()) {
            if (!pipeline.inputs().containsKey(name)) {
                throw new InvalidInputException("inputs." + name, "Pipeline '" + pipeline.name()
                    + "' has no input '" + name + "'; its inputs are " + pipeline.inputs().keySet());
            }
        }
        pipeline.inputs().forEach((name, def) -> {
            Artifact a = inputs.get(name);
            if (a == null) {
                if (def.required()) {
                    throw new InvalidInputException("inputs." + name, "Input '" + name + "' is required by pipeline '"
                        + pipeline.name() + "'");
                }
                return;
            }
            check(name, def, a);
        });
    }

    private void check(String name, Input def, Artifact a) {
        String field = "inputs." + name;
        switch (def.kind()) {
            case TEXT -> {
                if (a.getValueCase() != Artifact.ValueCase.TEXT) {
                    throw new InvalidInputException(field, "Input '" + name + "' must be text");
                }
            }
            case IMAGE -> {
                if (a.getValueCase() != Artifact.ValueCase.PNG
                        || !(ImageFormats.isPng(a.getPng()) || ImageFormats.isJpeg(a.getPng()))) {
                    throw new InvalidInputException(field, "Input '" + name + "' must be a PNG or JPEG image");
                }
            }
            case TENSOR -> {
                if (a.getValueCase() == Artifact.ValueCase.BLOB) {
                    return; // an uploaded recording (EDF, NIfTI) its service reads
                }
                if (a.getValueCase() != Artifact.ValueCase.TENSOR) {
                    throw new InvalidInputException(field, "Input '" + name + "' must be an inline tensor");
                }
                checkTensor(field, a.getTensor());
                checkAgainstCard(field, def, name, a.getTensor());
            }
        }
    }

    private void checkTensor(String field, Tensor t) {
        if (t.getDtype() == DataType.DATA_TYPE_UNSPECIFIED || t.getDtype() == DataType.UNRECOGNIZED) {
            throw new InvalidInputException(field + ".datatype", "Tensor datatype is missing");
        }
        long count = Tensors.elementCount(t.getShapeList());
        if (count < 0) {
            throw new InvalidInputException(field + ".shape", "Tensor shape " + t.getShapeList()
                + " has a negative dimension or is too large");
        }
        if (count > maxTensorElements) {
            throw new InvalidInputException(field + ".shape", "Tensor of " + count + " elements exceeds the limit of "
                + maxTensorElements + " elements");
        }
        if (t.getDtype() == DataType.BYTES) {
            if (t.getStringDataCount() != count) {
                throw new InvalidInputException(field + ".data", "Tensor has " + t.getStringDataCount()
                    + " elements but its shape " + t.getShapeList() + " needs " + count);
            }
            return;
        }
        long bytes = count * Tensors.elementSize(t.getDtype());
        if (bytes > maxTensorBytes) {
            throw new InvalidInputException(field + ".data", "Tensor of " + bytes + " bytes exceeds the limit of "
                + maxTensorBytes + " bytes");
        }
        if (t.getRawData().size() != bytes) {
            throw new InvalidInputException(field + ".data", "Tensor has " + t.getRawData().size()
                + " bytes of data but its shape " + t.getShapeList() + " and datatype " + t.getDtype()
                + " need " + bytes);
        }
        long bad = Tensors.firstNonFinite(t);
        if (bad >= 0) {
            throw new InvalidInputException(field + ".data[" + bad + "]", "Tensor element " + bad + " is not a finite number");
        }
    }

    private void checkAgainstCard(String field, Input def, String name, Tensor t) {
        if (def.model() == null || def.model().isBlank()) {
            return;
        }
        String role = def.role() == null || def.role().isBlank() ? name : def.role();
        ModelCard card = cards.newest(def.model()).orElse(null);
        if (card == null) {
            return;
        }
        TensorSpec spec = card.input(role).orElse(null);
        if (spec == null) {
            return;
        }
        if (t.getDtype() != spec.dtype()) {
            throw new InvalidInputException(field + ".datatype", "Model " + card.id() + " expects " + spec.dtype()
                + " for input '" + role + "', got " + t.getDtype(), ErrorCode.SHAPE_MISMATCH);
        }
        List<Long> expected = spec.exampleShape();
        if (!fits(expected, t.getShapeList())) {
            throw new InvalidInputException(field + ".shape", "Model " + card.id() + " expects shape "
                + expected.toString().replace("-1", "?") + " for input '" + role + "' (without the batch dimension), got "
                + t.getShapeList(), ErrorCode.SHAPE_MISMATCH);
        }
    }

    private static boolean fits(List<Long> expected, List<Long> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i) >= 0 && !expected.get(i).equals(actual.get(i))) {
                return false;
            }
        }
        return true;
    }
}
