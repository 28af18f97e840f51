package io.neuropipe.encoder.gallery;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import io.neuropipe.runtime.step.InvalidInputException;

/** PNG thumbnails of uploaded images: the longest side at most {@code maxSide}, RGB. */
public final class Thumbnails {

    private final int maxSide;

    public Thumbnails(int maxSide) {
        this.maxSide = maxSide;
    }

    /** A PNG of {@code encoded} (a PNG or JPEG the image pre-processor has already accepted). */
    public byte[] png(byte[] encoded) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
            if (image == null) {
                throw new InvalidInputException("Image cannot be decoded for its thumbnail");
            }
            double scale = Math.min(1.0, (double) maxSide / Math.max(image.getWidth(), image.getHeight()));
            int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
            int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
            g.dispose();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(out, "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new InvalidInputException("Image cannot be decoded for its thumbnail: " + e.getMessage());
        }
    }
}
