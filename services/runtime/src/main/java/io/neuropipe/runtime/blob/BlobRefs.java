package io.neuropipe.runtime.blob;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.neuropipe.proto.v1.BlobRef;

/** Content addresses and the integrity check every store applies on read. */
public final class BlobRefs {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private BlobRefs() {
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static BlobRef of(String uriPrefix, String mediaType, byte[] content) {
        String sha = sha256(content);
        return BlobRef.newBuilder().setUri(uriPrefix + sha).setSha256(sha).setSizeBytes(content.length)
            .setMediaType(mediaType).build();
    }

    /** The SHA-256 named at the end of a reference's URI after {@code uriPrefix}. */
    static String addressOf(BlobRef ref, String uriPrefix) {
        String uri = ref.getUri();
        String sha = uri.startsWith(uriPrefix) ? uri.substring(uriPrefix.length()) : "";
        if (!SHA256.matcher(sha).matches()) {
            throw new BlobMissingException("Blob " + uri + " is not in this store (" + uriPrefix + "<sha256>)");
        }
        return sha;
    }

    static byte[] verified(BlobRef ref, byte[] content) {
        if (ref.getSizeBytes() != content.length) {
            throw new BlobCorruptException("Blob " + ref.getUri() + " holds " + content.length + " bytes but its reference says "
                + ref.getSizeBytes());
        }
        String actual = sha256(content);
        if (!actual.equals(ref.getSha256())) {
            throw new BlobCorruptException("Blob " + ref.getUri() + " has SHA-256 " + actual + " but its reference says "
                + (ref.getSha256().isEmpty() ? "nothing" : ref.getSha256()));
        }
        return content;
    }
}
