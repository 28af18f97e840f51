package io.neuropipe.encoder.io;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property: whatever bytes arrive, the NPY, EDF and NIfTI readers either return or throw their
 * documented {@link InvalidInputException} — never another exception, an out-of-memory error
 * from a declared size, or a hang. Inputs are random bytes and mutations of valid files
 * (truncation, flipped bytes, extreme integers written into the header). The run's seed is
 * printed in a failure and can be replayed with {@code -Dfuzz.seed=<seed>}.
 */
@Timeout(120)
class ParserFuzzTest {

    private static final int CASES = Integer.getInteger("fuzz.cases", 2000);
    private static final int[] EXTREMES = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFF, 0xFFFF, 65536, 1 << 30};

    @Test
    void npyReaderFailsOnlyWithInvalidInput() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(TestFiles.resource("npy"))) {
            files.sorted().forEach(p -> seeds.add(TestFiles.bytes(p)));
        }
        fuzz("npy", seeds, b -> new NpyReader().read(b, "upload.npy"));
    }

    @Test
    void edfReaderFailsOnlyWithInvalidInput() {
        List<byte[]> seeds = List.of(
            new EdfBuilder(2).signal("EEG Cz", "uV", -100, 100, -2048, 2047, 3, new short[6])
                .signal("EEG Pz", "mV", 0, 1, 0, 1000, 3, new short[6]).build(),
            new EdfBuilder(3).edfPlus(true).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[6])
                .annotations(15, "+0\u0014\u0014\0", "+1\u0014\u0014\0", "+2\u0014\u0014\0").build());
        fuzz("edf", seeds, b -> new EdfReader().read(b, "upload.edf"));
    }

    @Test
    void niftiReaderFailsOnlyWithInvalidInput() throws Exception {
        byte[] volume = NiftiReaderTest.nifti(ByteOrder.LITTLE_ENDIAN, NiftiReaderTest.dims(2, 2, 2), 16, 32, 1f, 0f, "n+1\0",
            new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        List<byte[]> seeds = List.of(volume, NiftiReaderTest.gzip(volume), TestFiles.bytes(TestFiles.sample("fmri_subj01_mask.nii.gz")));
        fuzz("nifti", seeds, b -> new NiftiReader().read(b, "upload.nii"));
    }

    static void fuzz(String what, List<byte[]> seeds, Consumer<byte[]> parser) {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())));
            try {
                parser.accept(input);
            } catch (InvalidInputException expected) {
                // the documented failure
            } catch (Throwable t) {
                throw new AssertionError(what + " case " + i + " of seed " + seed + " (" + input.length + " bytes) threw " + t, t);
            }
        }
    }

    private static byte[] mutate(Random r, byte[] valid) {
        switch (r.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(600)];
                r.nextBytes(b);
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(valid, r.nextInt(valid.length + 1));
            }
            case 2 -> {
                byte[] b = valid.clone();
                for (int n = 1 + r.nextInt(8); n > 0 && b.length > 0; n--) {
                    b[r.nextInt(Math.min(b.length, 512))] = (byte) r.nextInt(256);
                }
                return b;
            }
            default -> {
                byte[] b = valid.clone();
                if (b.length >= 4) {
                    int at = r.nextInt(Math.min(b.length, 400) - 3);
                    int v = EXTREMES[r.nextInt(EXTREMES.length)];
                    boolean little = r.nextBoolean();
                    for (int k = 0; k < 4; k++) {
                        b[at + k] = (byte) (v >>> (8 * (little ? k : 3 - k)));
                    }
                }
                return b;
            }
        }
    }
}
