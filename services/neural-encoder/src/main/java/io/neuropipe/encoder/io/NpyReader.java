package io.neuropipe.encoder.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Reads NumPy {@code .npy} files (format versions 1, 2 and 3) into float32 C-order arrays.
 *
 * <p>Supported dtypes: {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1} in either byte order; Fortran-order
 * files are transposed to C order. Structured, complex, string and object arrays are rejected.
 * {@code org.jetbrains.bio:npy} was not used: its only public reader takes a file path (no byte
 * array or stream, as REST uploads need) and allocates what the header declares before checking the
 * data is there.
 */
public final class NpyReader {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*(['\"])([^'\"]*)\\1");
    private static final Pattern DESCR_KEY = Pattern.compile("['\"]descr['\"]\\s*:");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private final InputLimits limits;

    public NpyReader() {
        this(InputLimits.DEFAULT);
    }

    public NpyReader(InputLimits limits) {
        this.limits = limits;
    }

    /** The parsed header: dtype string as written (e.g. {@code <f4}), C or Fortran order, shape. */
    public record Header(String descr, boolean fortranOrder, int[] shape) {
    }

    public FloatNdArray read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (NoSuchFileException e) {
            throw Bytes.invalid(path.toString(), "no such file");
        } catch (IOException e) {
            throw Bytes.invalid(path.toString(), "cannot be read (" + e.getMessage() + ")");
        }
    }

    public FloatNdArray read(byte[] bytes, String name) {
        return read(new ByteArrayInputStream(bytes), name);
    }

    /** Reads one array from {@code in}; {@code name} (file or field name) prefixes every error message. */
    public FloatNdArray read(InputStream in, String name) {
        try {
            Header header = readHeader(in, name);
            DType type = DType.parse(header.descr(), name);
            long count = 1;
            for (int d : header.shape()) {
                count *= d;
                if (count > limits.maxElements()) {
                    throw Bytes.invalid(name, "shape " + java.util.Arrays.toString(header.shape()) + " holds more than the limit of "
                        + limits.maxElements() + " values");
                }
            }
            long nbytes = count * type.size;
            if (nbytes > limits.maxBytes()) {
                throw Bytes.invalid(name, "data of " + nbytes + " bytes exceeds the limit of " + limits.maxBytes() + " bytes");
            }
            byte[] raw = in.readNBytes((int) nbytes);
            if (raw.length < nbytes) {
                throw Bytes.invalid(name, "truncated: shape " + java.util.Arrays.toString(header.shape()) + " of " + header.descr()
                    + " needs " + nbytes + " data bytes but only " + raw.length + " follow the header");
            }
            if (in.read() != -1) {
                throw Bytes.invalid(name, "has bytes after the " + nbytes + " data bytes that shape "
                    + java.util.Arrays.toString(header.shape()) + " of " + header.descr() + " needs");
            }
            float[] values = type.decode(raw, (int) count);
            if (header.fortranOrder() && header.shape().length > 1) {
                values = fortranToC(values, header.shape());
            }
            return new FloatNdArray(header.shape(), values);
        } catch (IOException e) {
            throw Bytes.invalid(name, "cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Reads and checks the magic, version and header dictionary; leaves {@code in} at the first data byte. */
    public Header readHeader(InputStream in, String name) throws IOException {
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8 || !java.util.Arrays.equals(java.util.Arrays.copyOf(pre, 6), MAGIC)) {
            throw Bytes.invalid(name, "not an NPY file (no \\x93NUMPY magic)");
        }
        int major = pre[6] & 0xff;
        long headerLen;
        if (major == 1) {
            byte[] b = in.readNBytes(2);
            if (b.length < 2) {
                throw Bytes.invalid(name, "truncated in the header length");
            }
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw Bytes.invalid(name, "truncated in the header length");
            }
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        } else {
            throw Bytes.invalid(name, "unsupported NPY format version " + major + "." + (pre[7] & 0xff) + " (1, 2 and 3 are)");
        }
        if (headerLen > MAX_HEADER) {
            throw Bytes.invalid(name, "header length " + headerLen + " exceeds " + MAX_HEADER + " bytes");
        }
        byte[] hb = in.readNBytes((int) headerLen);
        if (hb.length < headerLen) {
            throw Bytes.invalid(name, "truncated in the header (" + hb.length + " of " + headerLen + " bytes)");
        }
        String dict = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(dict);
        if (!descr.find()) {
            throw Bytes.invalid(name, DESCR_KEY.matcher(dict).find()
                ? "structured dtypes are not supported (descr is not a plain type string)"
                : "header has no 'descr': " + abbreviate(dict));
        }
        Matcher fortran = FORTRAN.matcher(dict);
        if (!fortran.find()) {
            throw Bytes.invalid(name, "header has no 'fortran_order': " + abbreviate(dict));
        }
        Matcher shape = SHAPE.matcher(dict);
        if (!shape.find()) {
            throw Bytes.invalid(name, "header has no 'shape' tuple: " + abbreviate(dict));
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : shape.group(1).split(",")) {
            String p = part.trim();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                continue;
            }
            try {
                long d = Long.parseLong(p);
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw Bytes.invalid(name, "shape dimension " + p + " is out of range");
                }
                dims.add((int) d);
            } catch (NumberFormatException e) {
                throw Bytes.invalid(name, "shape (" + shape.group(1) + ") is not a tuple of integers");
            }
        }
        return new Header(descr.group(2), "True".equals(fortran.group(1)), dims.stream().mapToInt(Integer::intValue).toArray());
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 120 ? t.substring(0, 120) + "..." : t;
    }

    static float[] fortranToC(float[] f, int[] shape) {
        int rank = shape.length;
        long[] fStride = new long[rank];
        long s = 1;
        for (int i = 0; i < rank; i++) {
            fStride[i] = s;
            s *= shape[i];
        }
        float[] c = new float[f.length];
        int[] idx = new int[rank];
        long off = 0;
        for (int i = 0; i < c.length; i++) {
            c[i] = f[(int) off];
            for (int a = rank - 1; a >= 0; a--) {
                idx[a]++;
                off += fStride[a];
                if (idx[a] < shape[a]) {
                    break;
                }
                off -= fStride[a] * idx[a];
                idx[a] = 0;
            }
        }
        return c;
    }

    private enum Kind { FLOAT, INT, UINT, BOOL }

    private record DType(Kind kind, int size, ByteOrder order) {

        static DType parse(String descr, String name) {
            if (descr.length() < 3) {
                throw Bytes.invalid(name, "unsupported dtype '" + descr + "'");
            }
            char o = descr.charAt(0);
            ByteOrder order = switch (o) {
                case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                default -> throw Bytes.invalid(name, "unsupported dtype '" + descr + "' (no byte order)");
            };
            String t = descr.substring(1);
            DType type = switch (t) {
                case "f2" -> new DType(Kind.FLOAT, 2, order);
                case "f4" -> new DType(Kind.FLOAT, 4, order);
                case "f8" -> new DType(Kind.FLOAT, 8, order);
                case "i1" -> new DType(Kind.INT, 1, order);
                case "i2" -> new DType(Kind.INT, 2, order);
                case "i4" -> new DType(Kind.INT, 4, order);
                case "i8" -> new DType(Kind.INT, 8, order);
                case "u1" -> new DType(Kind.UINT, 1, order);
                case "u2" -> new DType(Kind.UINT, 2, order);
                case "u4" -> new DType(Kind.UINT, 4, order);
                case "u8" -> new DType(Kind.UINT, 8, order);
                case "b1" -> new DType(Kind.BOOL, 1, order);
                default -> throw Bytes.invalid(name, "unsupported dtype '" + descr
                    + "' (supported: float16/32/64, int8..64, uint8..64, bool)");
            };
            return type;
        }

        float[] decode(byte[] raw, int count) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(order);
            float[] out = new float[count];
            switch (kind) {
                case FLOAT -> {
                    if (size == 4) {
                        b.asFloatBuffer().get(out);
                    } else if (size == 8) {
                        for (int i = 0; i < count; i++) {
                            out[i] = (float) b.getDouble();
                        }
                    } else {
                        for (int i = 0; i < count; i++) {
                            out[i] = Bytes.halfToFloat(b.getShort() & 0xffff);
                        }
                    }
                }
                case INT -> {
                    for (int i = 0; i < count; i++) {
                        out[i] = switch (size) {
                            case 1 -> b.get();
                            case 2 -> b.getShort();
                            case 4 -> b.getInt();
                            default -> b.getLong();
                        };
                    }
                }
                case UINT -> {
                    for (int i = 0; i < count; i++) {
                        out[i] = switch (size) {
                            case 1 -> b.get() & 0xff;
                            case 2 -> b.getShort() & 0xffff;
                            case 4 -> b.getInt() & 0xffffffffL;
                            default -> unsignedLongToFloat(b.getLong());
                        };
                    }
                }
                case BOOL -> {
                    for (int i = 0; i < count; i++) {
                        out[i] = b.get() != 0 ? 1f : 0f;
                    }
                }
            }
            return out;
        }

        private static float unsignedLongToFloat(long v) {
            return v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
        }
    }
}
