package io.neuropipe.pruner.domain;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageIO;

import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Decodes PNG/JPEG bytes and turns them into the vision encoder's input: RGB, resized to the
 * card's {@code image_size}, scaled by 1/255 and normalised with the card's mean and std, NCHW.
 */
public final class ImagePreprocessor {

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

    /** CHW float pixels of one image. */
    public float[] toPixels(byte[] encoded) {
        if (encoded.length > maxBytes) {
            throw new InvalidInputException("Image is " + encoded.length + " bytes; the limit is " + maxBytes);
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("Image cannot be decoded: " + e.getMessage());
        }
        if (image == null) {
            throw new InvalidInputException("Image is not a supported format (PNG or JPEG)");
        }
        if (image.getWidth() > maxSide || image.getHeight() > maxSide) {
            throw new InvalidInputException("Image is " + image.getWidth() + "x" + image.getHeight()
                + "; the largest side accepted is " + maxSide);
        }
        return normalise(resize(image));
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
