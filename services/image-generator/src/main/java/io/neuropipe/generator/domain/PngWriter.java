package io.neuropipe.generator.domain;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Encodes a CHW image with values in [-1, 1] as PNG, optionally upscaled by nearest neighbour. */
public final class PngWriter {

    private PngWriter() {
    }

    public static byte[] encode(float[] chw, int size, int upscale) {
        int plane = size * size;
        int out = size * upscale;
        BufferedImage image = new BufferedImage(out, out, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out; y++) {
            for (int x = 0; x < out; x++) {
                int i = (y / upscale) * size + (x / upscale);
                int rgb = (toByte(chw[i]) << 16) | (toByte(chw[plane + i]) << 8) | toByte(chw[2 * plane + i]);
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static int toByte(float v) {
        return (int) Math.max(0, Math.min(255, Math.round((v + 1) * 127.5f)));
    }
}
