package io.neuropipe.generator.engine;

import java.util.HashMap;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.generator.config.GeneratorProperties;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import io.neuropipe.runtime.model.TensorSpec;
import org.springframework.stereotype.Component;

/**
 * Runs the two UNet halves: the encoder (sample, timestep, condition -> skip features) and the
 * decoder (skip features, timestep, condition -> predicted noise). Whatever the encoder outputs
 * and the decoder takes by the same role is passed through without leaving native memory.
 */
@Component
public class UnetEngine {

    private final ModelRepository models;
    private final GeneratorProperties props;

    public UnetEngine(ModelRepository models, GeneratorProperties props) {
        this.models = models;
        this.props = props;
        models.model(props.encoderModel());
        models.model(props.decoderModel());
    }

    public ModelCard encoderCard() {
        return models.model(props.encoderModel()).card();
    }

    public ModelCard decoderCard() {
        return models.model(props.decoderModel()).card();
    }

    /** Encoder features for a batch; valid while {@code scope} is open. */
    public Map<String, OnnxTensor> encode(InferenceScope scope, float[] sample, float[] timesteps, float[] condition, int batch,
                                          int size) {
        OnnxModel encoder = models.model(props.encoderModel());
        Outputs out = scope.run(encoder, Map.of(
            "sample", scope.floats(sample, batch, 3, size, size),
            "timestep", scope.floats(timesteps, batch),
            "condition", scope.floats(condition, batch, condition.length / batch)));
        Map<String, OnnxTensor> features = new HashMap<>();
        for (TensorSpec spec : encoder.card().outputs()) {
            features.put(spec.role(), out.tensor(spec.role()));
        }
        return features;
    }

    /** Predicted noise [batch, 3, size, size] for cached encoder features and (possibly new) timesteps. */
    public float[] decode(InferenceScope scope, Map<String, OnnxTensor> features, float[] timesteps, float[] condition, int batch) {
        OnnxModel decoder = models.model(props.decoderModel());
        Map<String, OnnxTensor> inputs = new HashMap<>();
        for (TensorSpec spec : decoder.card().inputs()) {
            switch (spec.role()) {
                case "timestep" -> inputs.put("timestep", scope.floats(timesteps, batch));
                case "condition" -> inputs.put("condition", scope.floats(condition, batch, condition.length / batch));
                default -> inputs.put(spec.role(), features.get(spec.role()));
            }
        }
        return scope.run(decoder, inputs).floats("noise_pred");
    }

    public OnnxModel encoderModel() {
        return models.model(props.encoderModel());
    }
}
