package io.neuropipe.generator.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.generator.config.GeneratorProperties;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import io.neuropipe.runtime.model.TensorSpec;
import org.springframework.stereotype.Component;

/**
 * Runs the two UNet halves on one or more requests' calls stacked along the batch: the encoder
 * (sample, timestep, condition -> skip features + mid) and the decoder (features, timestep,
 * condition -> predicted noise). Owns the sessions and nothing else.
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

    public UnetSpec spec() {
        return UnetSpec.of(encoderModel().card(), decoderModel().card());
    }

    OnnxModel encoderModel() {
        return models.model(props.encoderModel());
    }

    OnnxModel decoderModel() {
        return models.model(props.decoderModel());
    }

    /** Encoder features of each call, in order; calls share model calls of at most the card's max batch size rows. */
    public List<Features> encode(List<EncoderCall> calls) {
        List<Features> out = new ArrayList<>(calls.size());
        for (List<EncoderCall> chunk : chunks(calls, EncoderCall::rows, encoderModel().card().maxBatchSize())) {
            out.addAll(encodeTogether(chunk));
        }
        return out;
    }

    /** Predicted noise of each call, in order; calls share model calls of at most the card's max batch size rows. */
    public List<float[]> decode(List<DecoderCall> calls) {
        List<float[]> out = new ArrayList<>(calls.size());
        for (List<DecoderCall> chunk : chunks(calls, DecoderCall::rows, decoderModel().card().maxBatchSize())) {
            out.addAll(decodeTogether(chunk));
        }
        return out;
    }

    /** Consecutive runs of calls whose rows add up to at most {@code maxRows} (0 = unlimited); a larger call runs alone. */
    static <T> List<List<T>> chunks(List<T> calls, java.util.function.ToIntFunction<T> rows, int maxRows) {
        List<List<T>> chunks = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int used = 0;
        for (T call : calls) {
            int r = rows.applyAsInt(call);
            if (!current.isEmpty() && maxRows > 0 && used + r > maxRows) {
                chunks.add(current);
                current = new ArrayList<>();
                used = 0;
            }
            current.add(call);
            used += r;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private List<Features> encodeTogether(List<EncoderCall> calls) {
        OnnxModel encoder = encoderModel();
        int rows = calls.stream().mapToInt(EncoderCall::rows).sum();
        int sampleRow = calls.get(0).sample().length / calls.get(0).rows();
        int condRow = calls.get(0).condition().length / calls.get(0).rows();
        int size = (int) Math.round(Math.sqrt(sampleRow / 3.0));
        try (InferenceScope scope = encoder.scope()) {
            Outputs out = scope.run(encoder, Map.of(
                "sample", scope.floats(concat(calls.stream().map(EncoderCall::sample).toList(), rows * sampleRow), rows, 3, size, size),
                "timestep", scope.floats(concat(calls.stream().map(EncoderCall::timesteps).toList(), rows), rows),
                "condition", scope.floats(concat(calls.stream().map(EncoderCall::condition).toList(), rows * condRow), rows, condRow)));
            List<Map<String, FloatBuffer>> perCall = new ArrayList<>();
            calls.forEach(c -> perCall.add(new HashMap<>()));
            Map<String, long[]> shapes = new HashMap<>();
            for (TensorSpec spec : encoder.card().outputs()) {
                long[] shape = out.shape(spec.role());
                long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
                shapes.put(spec.role(), rowShape);
                int perRow = (int) (Arrays.stream(rowShape).reduce(1, (a, b) -> a * b));
                FloatBuffer all = out.floatBuffer(spec.role());
                int offset = 0;
                for (int i = 0; i < calls.size(); i++) {
                    int n = calls.get(i).rows() * perRow;
                    FloatBuffer slice = all.duplicate();
                    slice.position(offset).limit(offset + n);
                    perCall.get(i).put(spec.role(), direct(n).put(slice).flip());
                    offset += n;
                }
            }
            List<Features> features = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                features.add(new Features(calls.get(i).rows(), perCall.get(i), shapes));
            }
            return features;
        }
    }

    private List<float[]> decodeTogether(List<DecoderCall> calls) {
        OnnxModel decoder = decoderModel();
        int rows = calls.stream().mapToInt(DecoderCall::rows).sum();
        int condRow = calls.get(0).condition().length / calls.get(0).rows();
        try (InferenceScope scope = decoder.scope()) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            for (TensorSpec spec : decoder.card().inputs()) {
                switch (spec.role()) {
                    case "timestep" -> inputs.put("timestep",
                        scope.floats(concat(calls.stream().map(DecoderCall::timesteps).toList(), rows), rows));
                    case "condition" -> inputs.put("condition",
                        scope.floats(concat(calls.stream().map(DecoderCall::condition).toList(), rows * condRow), rows, condRow));
                    default -> inputs.put(spec.role(), featureTensor(scope, spec.role(), calls, rows));
                }
            }
            FloatBuffer noise = scope.run(decoder, inputs).floatBuffer("noise_pred");
            int perRow = noise.remaining() / rows;
            List<float[]> out = new ArrayList<>(calls.size());
            for (DecoderCall call : calls) {
                float[] eps = new float[call.rows() * perRow];
                noise.get(eps);
                out.add(eps);
            }
            return out;
        }
    }

    /** One feature role stacked over the calls, each call's features tiled to its row count; no copy for a lone untiled call. */
    private static OnnxTensor featureTensor(InferenceScope scope, String role, List<DecoderCall> calls, int rows) {
        Features first = calls.get(0).features();
        long[] rowShape = first.shapes().get(role);
        if (rowShape == null) {
            throw new IllegalStateException("The UNet encoder produced no feature '" + role + "' that the decoder needs");
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        if (calls.size() == 1 && first.rows() == rows) {
            return scope.floats(first.byRole().get(role).duplicate(), shape);
        }
        int perRow = (int) Arrays.stream(rowShape).reduce(1, (a, b) -> a * b);
        FloatBuffer stacked = direct(rows * perRow);
        for (DecoderCall call : calls) {
            FloatBuffer src = call.features().byRole().get(role);
            for (int r = 0; r < call.rows(); r += call.features().rows()) {
                stacked.put(src.duplicate());
            }
        }
        return scope.floats(stacked.flip(), shape);
    }

    private static FloatBuffer concat(List<float[]> parts, int total) {
        FloatBuffer buffer = direct(total);
        for (float[] p : parts) {
            buffer.put(p);
        }
        return buffer.flip();
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
