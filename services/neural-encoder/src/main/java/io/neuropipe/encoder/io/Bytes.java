package io.neuropipe.encoder.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import io.neuropipe.runtime.step.InvalidInputException;

/** Bounded reading shared by the readers: never more than the limit, every failure an {@link InvalidInputException}. */
final class Bytes {

    private Bytes() {
    }

    static InvalidInputException invalid(String name, String what) {
        return new InvalidInputException(name + ": " + what);
    }

    /** All bytes of {@code in}, failing once more than {@code maxBytes} arrive. */
    static byte[] readAll(InputStream in, long maxBytes, String name) {
        try {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw invalid(name, "larger than the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw invalid(name, "cannot be read (" + e.getMessage() + ")");
        }
    }

    static byte[] readAll(Path path, long maxBytes) {
        String name = path.toString();
        try {
            if (Files.size(path) > maxBytes) {
                throw invalid(name, "larger than the limit of " + maxBytes + " bytes (" + Files.size(path) + " bytes)");
            }
            try (InputStream in = Files.newInputStream(path)) {
                return readAll(in, maxBytes, name);
            }
        } catch (NoSuchFileException e) {
            throw invalid(name, "no such file");
        } catch (IOException e) {
            throw invalid(name, "cannot be read (" + e.getMessage() + ")");
        }
    }

    static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    /** Gunzips {@code bytes}, stopping with an error past {@code maxBytes} of output (a gzip bomb stays small). */
    static byte[] gunzip(byte[] bytes, long maxBytes, String name) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes), 64 * 1024)) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (out.length > maxBytes) {
                throw invalid(name, "decompresses to more than the limit of " + maxBytes + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw invalid(name, "is not valid gzip data (" + e.getMessage() + ")");
        }
    }

    /** Half-precision (IEEE 754 binary16) bits to float. */
    static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f;
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
        }
        return sign == 1 ? -v : v;
    }
}
