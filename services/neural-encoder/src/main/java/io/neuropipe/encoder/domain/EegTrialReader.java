package io.neuropipe.encoder.domain;

import java.util.List;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.model.TensorSpec;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.tensor.Tensors;

/** Checks an EEG tensor against the encoder's input spec ([channels, samples], or with a batch of 1). */
public final class EegTrialReader {

    private final List<Long> exampleShape;

    public EegTrialReader(TensorSpec eegInput) {
        this.exampleShape = eegInput.exampleShape();
    }

    public float[] read(Tensor tensor) {
        long[] shape = Tensors.shape(tensor);
        long[] trial = shape.length == exampleShape.size() + 1 && shape[0] == 1
            ? java.util.Arrays.copyOfRange(shape, 1, shape.length) : shape;
        if (trial.length != exampleShape.size()) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "EEG trial must have shape " + exampleShape
                + " (channels, samples) but has " + java.util.Arrays.toString(shape));
        }
        for (int i = 0; i < trial.length; i++) {
            if (exampleShape.get(i) >= 0 && exampleShape.get(i) != trial[i]) {
                throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "EEG trial must have shape " + exampleShape
                    + " (channels, samples) but has " + java.util.Arrays.toString(shape));
            }
        }
        float[] samples = Tensors.toFloats(tensor);
        Tensors.requireFinite(samples, "EEG trial");
        return samples;
    }
}
