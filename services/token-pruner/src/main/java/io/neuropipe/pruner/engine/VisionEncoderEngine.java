package io.neuropipe.pruner.engine;

import java.util.Map;

import io.neuropipe.pruner.config.PrunerProperties;
import io.neuropipe.pruner.domain.VisionTokens;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import org.springframework.stereotype.Component;

/** Runs the vision encoder: pixels -> patch tokens and head-averaged CLS attention. */
@Component
public class VisionEncoderEngine {

    private final ModelRepository models;
    private final String modelName;

    public VisionEncoderEngine(ModelRepository models, PrunerProperties props) {
        this.models = models;
        this.modelName = props.imageModel();
        models.model(modelName);
    }

    public ModelCard card() {
        return models.model(modelName).card();
    }

    public VisionTokens encode(float[] pixels, int size) {
        OnnxModel model = models.model(modelName);
        try (InferenceScope scope = model.scope()) {
            Outputs out = scope.run(model, Map.of("pixel_values", scope.floats(pixels, 1, 3, size, size)));
            long[] tokenShape = out.shape("patch_tokens");
            int count = (int) tokenShape[1];
            int dim = (int) tokenShape[2];
            float[] tokens = out.floats("patch_tokens");
            float[] attention = out.floats("cls_attention");
            int heads = attention.length / count;
            float[] mean = new float[count];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < count; i++) {
                    mean[i] += attention[h * count + i] / heads;
                }
            }
            long[] positions = new long[count];
            for (int i = 0; i < count; i++) {
                positions[i] = i;
            }
            int grid = (int) Math.round(Math.sqrt(count));
            return new VisionTokens(tokens, count, dim, positions, mean, grid);
        }
    }
}
