package io.neuropipe.pruner.domain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.neuropipe.runtime.image.ImagePreprocessor;
import io.neuropipe.runtime.model.ModelCardReader;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property: whatever bytes arrive as an image (random bytes, truncated or corrupted PNGs, PNGs
 * whose header declares huge dimensions), {@link ImagePreprocessor} returns pixels or throws
 * {@link InvalidInputException} — never another exception, an out-of-memory error or a hang.
 * Replay a failure with {@code -Dfuzz.seed=<seed>}.
 */
@Timeout(120)
class ImageDecodingFuzzTest {

    private static final int CASES = Integer.getInteger("fuzz.cases", 1500);
    private static final Path ROOT = Path.of(System.getProperty("neuropipe.root", "../..")).toAbsolutePath().normalize();

    @Test
    void decodingFailsOnlyWithInvalidInput() throws Exception {
        ImagePreprocessor images = new ImagePreprocessor(
            ModelCardReader.read(Files.list(ROOT.resolve("models/repository/image-encoder")).sorted().reduce((a, b) -> b)
                .orElseThrow().resolve("model.yaml")), 1 << 20, 1024);
        byte[] png = Files.readAllBytes(ROOT.resolve("models/samples/stim_00.png"));
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(r, png);
            try {
                images.toPixels(input);
            } catch (InvalidInputException expected) {
                // documented failure
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " of seed " + seed + " (" + input.length + " bytes) threw " + t, t);
            }
        }
    }

    private static byte[] mutate(Random r, byte[] png) {
        return switch (r.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(400)];
                r.nextBytes(b);
                yield b;
            }
            case 1 -> Arrays.copyOf(png, r.nextInt(png.length + 1));
            case 2 -> {
                // IHDR width and height (bytes 16..23) set to hostile values; the CRC no longer matches either
                byte[] b = png.clone();
                int[] sizes = {0, 1, 65535, 1 << 20, Integer.MAX_VALUE, -1};
                int w = sizes[r.nextInt(sizes.length)];
                int h = sizes[r.nextInt(sizes.length)];
                for (int k = 0; k < 4; k++) {
                    b[16 + k] = (byte) (w >>> (24 - 8 * k));
                    b[20 + k] = (byte) (h >>> (24 - 8 * k));
                }
                yield b;
            }
            default -> {
                byte[] b = png.clone();
                for (int n = 1 + r.nextInt(8); n > 0; n--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                yield b;
            }
        };
    }
}
