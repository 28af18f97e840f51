package io.neuropipe.gateway.job;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.Tensor;

/**
 * NumPy {@code .npy} files (format 1.0/2.0, C order, little-endian) to and from {@link Tensor}s,
 * for the dtypes the wire contract carries as raw bytes.
 */
public final class Npy {

    public static final String MEDIA_TYPE = "application/x-npy";
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<DataType, String> DESCR = Map.of(DataType.FP32, "<f4", DataType.FP16, "<f2",
        DataType.INT64, "<i8", DataType.INT32, "<i4", DataType.UINT8, "|u1", DataType.BOOL, "|b1");
    private static final Pattern DESCR_FIELD = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER_FIELD = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE_FIELD = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static boolean supports(DataType type) {
        return DESCR.containsKey(type);
    }

    /** The tensor as an .npy file; BYTES tensors have no .npy form here. */
    public static byte[] write(Tensor t) {
        String descr = DESCR.get(t.getDtype());
        if (descr == null) {
            throw new IllegalArgumentException("No .npy form for " + t.getDtype());
        }
        String dims = String.join(", ", t.getShapeList().stream().map(String::valueOf).toList());
        String shape = "(" + dims + (t.getShapeCount() == 1 ? ",)" : ")");
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
            + shape + ", }");
        int total = MAGIC.length + 2 + 2 + header.length() + 1;
        header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] raw = t.getRawData().toByteArray();
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + h.length + raw.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h).put(raw);
        return out.array();
    }

    /**
     * Reads an .npy file; throws {@link InvalidInputException} on {@code field} when it is not one,
     * is Fortran-ordered, big-endian, of an unsupported dtype, has more than {@code maxElements}
     * elements or its data does not match its shape.
     */
    public static Tensor read(byte[] file, String field, long maxElements) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 10 || !ByteBuffer.wrap(file, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new InvalidInputException(field, "Is not a NumPy .npy file");
        }
        int major = file[6];
        in.position(8);
        long headerLength = major == 1 ? Short.toUnsignedInt(in.getShort()) : major <= 3 && file.length >= 12
            ? Integer.toUnsignedLong(in.getInt()) : -1;
        if (headerLength < 0 || in.position() + headerLength > file.length) {
            throw new InvalidInputException(field, "Has a truncated or unsupported .npy header");
        }
        String header = new String(file, in.position(), (int) headerLength, StandardCharsets.ISO_8859_1);
        int dataStart = in.position() + (int) headerLength;
        DataType type = dtype(group(DESCR_FIELD, header, field), field);
        if ("True".equals(group(ORDER_FIELD, header, field))) {
            throw new InvalidInputException(field, "Is Fortran-ordered; save it in C order (np.ascontiguousarray)");
        }
        List<Long> shape = new ArrayList<>();
        for (String d : group(SHAPE_FIELD, header, field).split(",")) {
            if (!d.isBlank()) {
                try {
                    shape.add(Long.parseLong(d.trim()));
                } catch (NumberFormatException e) {
                    throw new InvalidInputException(field, "Has an unreadable shape in its .npy header");
                }
            }
        }
        long count = Tensors.elementCount(shape);
        if (count < 0 || count > maxElements) {
            throw new InvalidInputException(field, "Tensor of shape " + shape + " exceeds the limit of " + maxElements
                + " elements");
        }
        long bytes = count * Tensors.elementSize(type);
        if (file.length - dataStart != bytes) {
            throw new InvalidInputException(field, "Holds " + (file.length - dataStart) + " data bytes but shape "
                + shape + " of " + type + " needs " + bytes);
        }
        return Tensor.newBuilder().setDtype(type).addAllShape(shape)
            .setRawData(ByteString.copyFrom(file, dataStart, (int) bytes)).build();
    }

    private static String group(Pattern p, String header, String field) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new InvalidInputException(field, "Has an .npy header without " + p.pattern().split("'")[1]);
        }
        return m.group(1);
    }

    private static DataType dtype(String descr, String field) {
        // '=' is native order (little-endian on every platform NumPy users send from); one-byte types ignore order
        String normal = descr.length() == 3 && (descr.charAt(0) == '=' || descr.charAt(0) == '<' && descr.endsWith("1"))
            ? (descr.endsWith("1") ? "|" : "<") + descr.substring(1) : descr;
        for (Map.Entry<DataType, String> e : DESCR.entrySet()) {
            if (e.getValue().equals(normal)) {
                return e.getKey();
            }
        }
        throw new InvalidInputException(field, "Has dtype '" + descr + "'; supported: little-endian float32, float16,"
            + " int64, int32, uint8, bool");
    }
}
