package io.neuropipe.decoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Zoo images written by {@code services/token-pruner/src/test/python/heldout_images.py} ({@code images.u8} [n, 32, 32, 3] RGB
 * and {@code index.json} with captions and question/answer pairs), encoded to vision tokens by {@code image-encoder}.
 */
public final class ZooImages {

    /**
     * @param patchTokens  [256 * 64] the encoder's patch tokens in grid order
     * @param clsAttention [256] the encoder's CLS attention to each patch, averaged over its heads (as the prune step
     *                     ranks them)
     */
    public record Image(float[] patchTokens, float[] clsAttention, String caption, List<String[]> qa) {
    }

    /** Vision rows a prune strategy keeps: [k * 64] tokens in grid order and their [k] grid positions. */
    public record Kept(float[] tokens, long[] positions) {
    }

    private static final int PATCHES = 256;
    private static final int DIM = 64;

    private ZooImages() {
    }

    public static List<Image> load(Path dir, ModelRepository models, int limit) throws IOException {
        JsonNode stimuli = JsonMapper.builder().build().readTree(dir.resolve("index.json").toFile()).get("stimuli");
        byte[] pixels = Files.readAllBytes(dir.resolve("images.u8"));
        OnnxModel encoder = models.model("image-encoder");
        int n = Math.min(limit, stimuli.size());
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] nchw = new float[3 * 32 * 32];
            for (int p = 0; p < 32 * 32; p++) {
                for (int c = 0; c < 3; c++) {
                    nchw[c * 1024 + p] = ((pixels[(i * 1024 + p) * 3 + c] & 0xff) / 255f - 0.5f) / 0.25f;
                }
            }
            float[] tokens;
            float[] attention;
            try (InferenceScope scope = encoder.scope()) {
                Outputs out = scope.run(encoder, Map.of("pixel_values", scope.floats(nchw, 1, 3, 32, 32)));
                tokens = out.floats("patch_tokens");
                attention = headMean(out.floats("cls_attention"), PATCHES);
            }
            JsonNode s = stimuli.get(i);
            List<String[]> qa = new ArrayList<>();
            s.get("qa").forEach(pair -> qa.add(new String[] {pair.get(0).asString(), pair.get(1).asString()}));
            images.add(new Image(tokens, attention, s.get("caption").asString(), qa));
        }
        return images;
    }

    private static float[] headMean(float[] perHead, int count) {
        int heads = perHead.length / count;
        float[] mean = new float[count];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < count; i++) {
                mean[i] += perHead[h * count + i] / heads;
            }
        }
        return mean;
    }

    /**
     * What the prune step's {@code cls-topk} strategy sends at keep ratio {@code ratio}: the ceil(ratio * 256) patches with
     * the highest CLS attention (ties to the lower grid index), in grid order. Written again here because a service's
     * tests cannot use another service's module (token-pruner's {@code ClsTopKPruning} + {@code TokenSelection}).
     */
    public static Kept clsTopK(Image image, double ratio) {
        float[] attention = image.clsAttention();
        int keep = Math.max(1, Math.min(PATCHES, (int) Math.ceil(ratio * PATCHES - 1e-9)));
        int[] chosen = IntStream.range(0, PATCHES).boxed()
            .sorted((a, b) -> {
                int c = Float.compare(attention[b], attention[a]);
                return c != 0 ? c : Integer.compare(a, b);
            })
            .limit(keep).mapToInt(Integer::intValue).sorted().toArray();
        float[] tokens = new float[keep * DIM];
        long[] positions = new long[keep];
        for (int k = 0; k < keep; k++) {
            System.arraycopy(image.patchTokens(), chosen[k] * DIM, tokens, k * DIM, DIM);
            positions[k] = chosen[k];
        }
        return new Kept(tokens, positions);
    }

    public static long[] gridPositions() {
        long[] positions = new long[256];
        for (int i = 0; i < 256; i++) {
            positions[i] = i;
        }
        return positions;
    }
}
