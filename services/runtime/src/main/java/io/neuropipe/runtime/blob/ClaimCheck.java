package io.neuropipe.runtime.blob;

import java.nio.charset.StandardCharsets;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.BlobRef;
import io.neuropipe.proto.v1.Tensor;

/**
 * The claim-check pattern on artifacts: a tensor, image or text above the inline limit is stored
 * in the {@link BlobStore} and travels as a {@link BlobRef} in its media type; a reader turns the
 * reference back into the inline value, so steps see the same artifact either way.
 */
public final class ClaimCheck {

    /** A {@link Tensor} message, protobuf-encoded. */
    public static final String TENSOR = "application/x-neuropipe-tensor";
    public static final String PNG = "image/png";
    public static final String TEXT = "text/plain; charset=utf-8";

    private final BlobStore store;
    private final long inlineLimit;

    public ClaimCheck(BlobStore store, long inlineLimit) {
        this.store = store;
        this.inlineLimit = inlineLimit;
    }

    public BlobStore store() {
        return store;
    }

    public long inlineLimit() {
        return inlineLimit;
    }

    /** The artifact itself when small enough (or already a reference), else a reference to its stored value. */
    public Artifact offload(String jobId, Artifact artifact) {
        if (artifact.getSerializedSize() <= inlineLimit) {
            return artifact;
        }
        byte[] bytes;
        String media;
        switch (artifact.getValueCase()) {
            case TENSOR -> {
                bytes = artifact.getTensor().toByteArray();
                media = TENSOR;
            }
            case PNG -> {
                bytes = artifact.getPng().toByteArray();
                media = PNG;
            }
            case TEXT -> {
                bytes = artifact.getText().getBytes(StandardCharsets.UTF_8);
                media = TEXT;
            }
            default -> {
                return artifact;
            }
        }
        return artifact.toBuilder().setBlob(store.put(jobId, media, bytes)).build();
    }

    /**
     * The artifact with a reference in a media type this class writes replaced by the value it
     * names; other references (EDF, NIfTI uploads) stay references, read with {@link #bytes}.
     */
    public Artifact inline(Artifact artifact) {
        if (!artifact.hasBlob()) {
            return artifact;
        }
        BlobRef ref = artifact.getBlob();
        return switch (ref.getMediaType()) {
            case TENSOR -> artifact.toBuilder().setTensor(tensor(ref, store.get(ref))).build();
            case PNG -> artifact.toBuilder().setPng(ByteString.copyFrom(store.get(ref))).build();
            case TEXT -> artifact.toBuilder().setText(new String(store.get(ref), StandardCharsets.UTF_8)).build();
            default -> artifact;
        };
    }

    /** The stored bytes a reference names, verified. */
    public byte[] bytes(BlobRef ref) {
        return store.get(ref);
    }

    private static Tensor tensor(BlobRef ref, byte[] bytes) {
        try {
            return Tensor.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new BlobCorruptException("Blob " + ref.getUri() + " is not a " + TENSOR + ": " + e.getMessage());
        }
    }
}
