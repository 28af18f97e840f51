package io.neuropipe.runtime.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import com.google.protobuf.ByteString;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.tensor.Tensors;

/**
 * Turns an image into the vision encoder's input: RGB, {@code image_size} x {@code image_size} (from the
 * card), scaled by 1/255 and normalised with the card's mean and std, CHW floats.
 *
 * <p>Accepted inputs:
 * <ul>
 *   <li>encoded PNG or JPEG bytes (any size up to {@code maxSide} per side and {@code maxBytes} bytes; resized
 *       bilinearly; grey and palette images become RGB, transparency is composited over black). The header is
 *       read before the pixels, so an oversized image is refused without being decoded. Other formats ImageIO
 *       knows (GIF, BMP, TIFF, ...) are refused;</li>
 *   <li>a tensor: FP32 [3, S, S] (or [1, 3, S, S]) already normalised, used as is (must be finite); or UINT8
 *       [S, S, 3] (or [1, S, S, 3]) RGB pixels, normalised here. S = {@code image_size}; no resizing.</li>
 * </ul>
 * Anything else is an {@link InvalidInputException} that says what was expected.
 */
public final class ImagePreprocessor {

    private static final Set<String> FORMATS = Set.of("png", "jpeg");

    private final int size;
    private final float[] mean;
    private final float[] std;
    private final int maxBytes;
    private final int maxSide;

    public ImagePreprocessor(ModelCard card, int maxBytes, int maxSide) {
        this.size = (int) card.preprocessingNumber("image_size", 32);
        this.mean = floats(card.preprocessing().get("mean"), 0.5f);
        this.std = floats(card.preprocessing().get("std"), 0.25f);
        this.maxBytes = maxBytes;
        this.maxSide = maxSide;
    }

    public int size() {
        return size;
    }

    /** CHW float pixels of one encoded image. */
    public float[] toPixels(byte[] encoded) {
        if (encoded.length == 0) {
            throw new InvalidInputException("Image is empty (0 bytes)");
        }
        if (encoded.length > maxBytes) {
            throw new InvalidInputException("Image is " + encoded.length + " bytes; the limit is " + maxBytes);
        }
        return normalise(resize(decode(encoded)));
    }

    /** CHW float pixels of an image sent as a tensor (see the class comment for the accepted layouts). */
    public float[] toPixels(Tensor tensor) {
        long[] shape = Tensors.shape(tensor);
        if (tensor.getDtype() == DataType.FP32 && (Arrays.equals(shape, new long[] {3, size, size})
                || Arrays.equals(shape, new long[] {1, 3, size, size}))) {
            float[] pixels = Tensors.toFloats(tensor);
            Tensors.requireFinite(pixels, "Image tensor");
            return pixels;
        }
        if (tensor.getDtype() == DataType.UINT8 && (Arrays.equals(shape, new long[] {size, size, 3})
                || Arrays.equals(shape, new long[] {1, size, size, 3}))) {
            ByteString raw = tensor.getRawData();
            if (raw.size() != 3 * size * size) {
                throw new InvalidInputException("UINT8 image tensor of shape " + Arrays.toString(shape) + " needs "
                    + 3 * size * size + " bytes but carries " + raw.size());
            }
            float[] pixels = new float[3 * size * size];
            int plane = size * size;
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    pixels[c * plane + i] = ((raw.byteAt(3 * i + c) & 0xFF) / 255f - mean[c]) / std[c];
                }
            }
            return pixels;
        }
        throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Image tensor must be FP32 [3, " + size + ", " + size
            + "] (normalised) or UINT8 [" + size + ", " + size + ", 3] (RGB) but is " + tensor.getDtype() + " "
            + Arrays.toString(shape));
    }

    private BufferedImage decode(byte[] encoded) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new InvalidInputException("Image is not a supported format (PNG or JPEG)");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw new InvalidInputException("Image format '" + format + "' is not supported; send PNG or JPEG");
                }
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width < 1 || height < 1 || width > maxSide || height > maxSide) {
                    throw new InvalidInputException("Image is " + width + "x" + height + "; each side must be in [1, "
                        + maxSide + "]");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("Image cannot be decoded: " + e.getMessage());
        }
    }

    private BufferedImage resize(BufferedImage image) {
        if (image.getWidth() == size && image.getHeight() == size && image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, size, size, null);
        g.dispose();
        return out;
    }

    private float[] normalise(BufferedImage rgb) {
        int plane = size * size;
        float[] pixels = new float[3 * plane];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = rgb.getRGB(x, y);
                int i = y * size + x;
                pixels[i] = (((p >> 16) & 0xFF) / 255f - mean[0]) / std[0];
                pixels[plane + i] = (((p >> 8) & 0xFF) / 255f - mean[1]) / std[1];
                pixels[2 * plane + i] = ((p & 0xFF) / 255f - mean[2]) / std[2];
            }
        }
        return pixels;
    }

    private static float[] floats(Object value, float fallback) {
        if (value instanceof List<?> list && list.size() == 3) {
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                out[i] = ((Number) list.get(i)).floatValue();
            }
            return out;
        }
        return new float[] {fallback, fallback, fallback};
    }
}
