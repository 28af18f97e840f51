package io.neuropipe.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The model zoo's committed sample set (models/samples), read the way a client would. */
final class Samples {

    static final Path ROOT = Path.of(System.getProperty("neuropipe.root", "..")).resolve("models");
    static final Path DIR = ROOT.resolve("samples");

    private Samples() {
    }

    static JsonNode index() {
        try {
            return JsonMapper.builder().build().readTree(Files.readString(DIR.resolve("index.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(DIR.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One trial [channels, samples] of a float32 NPY stack [trials, channels, samples]. */
    static float[] eegTrial(String file, int trial, int channels, int samples) {
        ByteBuffer npy = ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte major = npy.get(6);
        int headerLen = major == 1 ? Short.toUnsignedInt(npy.getShort(8)) : npy.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLen;
        String header = new String(Arrays.copyOfRange(npy.array(), major == 1 ? 10 : 12, dataStart), StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IllegalStateException("Expected a C-order little-endian float32 NPY: " + header);
        }
        int per = channels * samples;
        float[] out = new float[per];
        npy.position(dataStart + trial * per * Float.BYTES);
        npy.asFloatBuffer().get(out);
        return out;
    }

    /** Row {@code row} of a float32 NPY matrix [rows, columns] (e.g. fMRI betas [stimuli, voxels]). */
    static float[] npyRow(String file, int row) {
        ByteBuffer npy = ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = Short.toUnsignedInt(npy.getShort(8));
        String header = new String(Arrays.copyOfRange(npy.array(), 10, 10 + headerLen), StandardCharsets.US_ASCII);
        java.util.regex.Matcher shape = java.util.regex.Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(header);
        if (!header.contains("'<f4'") || !shape.find()) {
            throw new IllegalStateException("Expected a float32 NPY matrix: " + header);
        }
        float[] out = new float[Integer.parseInt(shape.group(2))];
        npy.position(10 + headerLen + row * out.length * Float.BYTES);
        npy.asFloatBuffer().get(out);
        return out;
    }

    /** A float32 vector as NPY (format 1.0) bytes. */
    static byte[] npy(float[] v) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + v.length + ",), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
