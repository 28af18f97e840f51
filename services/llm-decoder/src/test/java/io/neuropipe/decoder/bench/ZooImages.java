package io.neuropipe.decoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Zoo images written by {@code services/token-pruner/src/test/python/heldout_images.py} ({@code images.u8} [n, 32, 32, 3] RGB
 * and {@code index.json} with captions and question/answer pairs), encoded to vision tokens by {@code image-encoder}.
 */
public final class ZooImages {

    public record Image(float[] patchTokens, String caption, List<String[]> qa) {
    }

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
            try (InferenceScope scope = encoder.scope()) {
                tokens = scope.run(encoder, Map.of("pixel_values", scope.floats(nchw, 1, 3, 32, 32))).floats("patch_tokens");
            }
            JsonNode s = stimuli.get(i);
            List<String[]> qa = new ArrayList<>();
            s.get("qa").forEach(pair -> qa.add(new String[] {pair.get(0).asString(), pair.get(1).asString()}));
            images.add(new Image(tokens, s.get("caption").asString(), qa));
        }
        return images;
    }

    public static long[] gridPositions() {
        long[] positions = new long[256];
        for (int i = 0; i < 256; i++) {
            positions[i] = i;
        }
        return positions;
    }
}
