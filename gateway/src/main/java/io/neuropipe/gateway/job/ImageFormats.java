package io.neuropipe.gateway.job;

import com.google.protobuf.ByteString;

/** Recognises the encoded image formats the pipelines accept, by their file signatures. */
public final class ImageFormats {

    private static final ByteString PNG = ByteString.copyFrom(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    private static final ByteString JPEG = ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});

    private ImageFormats() {
    }

    public static boolean isPng(ByteString bytes) {
        return bytes.startsWith(PNG);
    }

    public static boolean isJpeg(ByteString bytes) {
        return bytes.startsWith(JPEG);
    }
}
