package io.neuropipe.gateway.api;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.neuropipe.gateway.config.PipelinesProperties.InputKind;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.Npy;
import io.neuropipe.runtime.blob.FileSystemBlobStore;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Property: the gateway's input parsers — tensor JSON, uploaded files (.npy, images, recordings)
 * — fail only with the gateway's {@link InvalidInputException} (a 400 naming the field), whatever
 * JSON tree or bytes arrive. Replay a failure with {@code -Dfuzz.seed=<seed>}.
 */
@Timeout(60)
class InputParsingFuzzTest {

    private static final int CASES = Integer.getInteger("fuzz.cases", 3000);
    private static final JsonNodeFactory NODES = JsonMapper.builder().build().getNodeFactory();
    private static final String[] TYPES = {"FP32", "FP16", "INT64", "INT32", "UINT8", "BOOL", "BYTES", "fp32", "", "FP64"};

    @Test
    void tensorJsonFailsOnlyWithInvalidInput() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            JsonNode node = r.nextInt(4) == 0 ? anyNode(r, 0) : tensorLike(r);
            try {
                TensorJson.parse(node, "inputs.eeg", 1 << 20);
            } catch (InvalidInputException expected) {
                // documented failure
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " of seed " + seed + " (" + node + ") threw " + t, t);
            }
        }
    }

    @Test
    void uploadedFilesFailOnlyWithInvalidInput(@TempDir Path blobs) {
        FileSystemBlobStore store = new FileSystemBlobStore(blobs);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        byte[] npy = Npy.write(Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        String[] names = {"x.npy", "x.png", "x.edf", "x.nii", "x.nii.gz", "x.bin", "", "../../etc/passwd"};
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = mutated(r, npy);
            MockMultipartFile file = new MockMultipartFile("eeg", names[r.nextInt(names.length)], null, bytes);
            try {
                UploadedFiles.read(file, InputKind.values()[r.nextInt(InputKind.values().length)], "inputs.eeg", 1 << 20, store);
            } catch (InvalidInputException expected) {
                // documented failure
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " of seed " + seed + " (" + bytes.length + " bytes) threw " + t, t);
            }
        }
    }

    private static ObjectNode tensorLike(Random r) {
        ObjectNode t = NODES.objectNode();
        if (r.nextInt(8) > 0) {
            t.put("datatype", TYPES[r.nextInt(TYPES.length)]);
        }
        if (r.nextInt(8) > 0) {
            ArrayNode shape = t.putArray("shape");
            long[] dims = {0, 1, 2, 3, -1, Long.MAX_VALUE, 1L << 31, 100_000};
            for (int d = r.nextInt(4); d > 0; d--) {
                if (r.nextInt(10) == 0) {
                    shape.add("2");
                } else {
                    shape.add(dims[r.nextInt(dims.length)]);
                }
            }
        }
        if (r.nextInt(8) > 0) {
            t.set("data", r.nextInt(3) == 0 ? anyNode(r, 0) : numbers(r, r.nextInt(3)));
        }
        return t;
    }

    private static ArrayNode numbers(Random r, int depth) {
        ArrayNode a = NODES.arrayNode();
        for (int n = r.nextInt(8); n > 0; n--) {
            if (depth > 0) {
                a.add(numbers(r, depth - 1));
                continue;
            }
            switch (r.nextInt(7)) {
                case 0 -> a.add(r.nextGaussian());
                case 1 -> a.add(r.nextLong());
                case 2 -> a.add(1e300);
                case 3 -> a.add("NaN");
                case 4 -> a.add(true);
                case 5 -> a.addNull();
                default -> a.add(r.nextInt(300) - 20);
            }
        }
        return a;
    }

    /** Any JSON value, nested up to 40 levels (deep nesting is one of the hostile shapes). */
    private static JsonNode anyNode(Random r, int depth) {
        int kind = depth > 40 ? r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> NODES.numberNode(r.nextDouble() * 1e6);
            case 1 -> NODES.stringNode("s" + r.nextInt());
            case 2 -> NODES.booleanNode(r.nextBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> {
                ArrayNode a = NODES.arrayNode();
                for (int n = r.nextInt(3); n >= 0; n--) {
                    a.add(anyNode(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int n = r.nextInt(3); n >= 0; n--) {
                    o.set(new String[] {"datatype", "shape", "data", "x"}[r.nextInt(4)], anyNode(r, depth + 1));
                }
                yield o;
            }
        };
    }

    private static byte[] mutated(Random r, byte[] valid) {
        if (r.nextInt(4) == 0) {
            byte[] b = new byte[r.nextInt(300)];
            r.nextBytes(b);
            return b;
        }
        byte[] b = r.nextBoolean() ? valid.clone() : Arrays.copyOf(valid, r.nextInt(valid.length + 1));
        for (int n = r.nextInt(6); n > 0 && b.length > 0; n--) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }
}
