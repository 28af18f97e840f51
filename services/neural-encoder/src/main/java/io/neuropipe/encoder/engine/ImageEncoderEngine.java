package io.neuropipe.encoder.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.neuropipe.encoder.config.GalleryProperties;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import org.springframework.stereotype.Component;

/** Runs the zoo's image encoder over gallery images: normalised CHW pixels in, embeddings out, in batches. */
@Component
public class ImageEncoderEngine {

    private final ModelRepository models;
    private final String modelName;

    public ImageEncoderEngine(ModelRepository models, GalleryProperties props) {
        this.models = models;
        this.modelName = props.imageModel();
    }

    public ModelCard card() {
        return models.model(modelName).card();
    }

    /** One embedding per image, in order; one model call per {@code max_batch_size} images. */
    public List<float[]> embed(List<float[]> pixels) {
        OnnxModel model = models.model(modelName);
        int batch = Math.max(1, model.card().maxBatchSize());
        List<float[]> out = new ArrayList<>(pixels.size());
        for (int from = 0; from < pixels.size(); from += batch) {
            out.addAll(run(model, pixels.subList(from, Math.min(pixels.size(), from + batch))));
        }
        return out;
    }

    private static List<float[]> run(OnnxModel model, List<float[]> images) {
        int n = images.size();
        long[] shape = model.card().input("pixel_values").orElseThrow().shape().stream().mapToLong(Long::longValue).toArray();
        shape[0] = n;
        int per = images.get(0).length;
        FloatBuffer in = ByteBuffer.allocateDirect(n * per * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        images.forEach(in::put);
        in.flip();
        try (InferenceScope scope = model.scope()) {
            Outputs outputs = scope.run(model, Map.of("pixel_values", scope.floats(in, shape)), Set.of("embedding"));
            FloatBuffer e = outputs.floatBuffer("embedding");
            int dim = e.remaining() / n;
            List<float[]> result = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] v = new float[dim];
                e.get(v);
                result.add(v);
            }
            return result;
        }
    }
}
