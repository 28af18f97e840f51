package io.neuropipe.runtime.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.neuropipe.proto.v1.BlobRef;
import org.junit.jupiter.api.Test;

/** What every blob store promises; each implementation runs it against its real backend. */
abstract class BlobStoreContract {

    abstract BlobStore store();

    /** Replaces the stored bytes of a blob behind the store's back. */
    abstract void tamper(BlobRef ref, byte[] content);

    private static String job() {
        return UUID.randomUUID().toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storesContentUnderItsSha256AndReadsItBack() {
        byte[] content = bytes("payload " + UUID.randomUUID());
        BlobRef ref = store().put(job(), "application/octet-stream", content);
        assertThat(ref.getSha256()).isEqualTo(BlobRefs.sha256(content)).hasSize(64);
        assertThat(ref.getSizeBytes()).isEqualTo(content.length);
        assertThat(ref.getUri()).endsWith(ref.getSha256());
        assertThat(ref).isEqualTo(store().refOf("application/octet-stream", content));
        assertThat(store().get(ref)).isEqualTo(content);
    }

    @Test
    void aBlobLivesUntilTheLastJobHoldingItIsDeleted() {
        byte[] content = bytes("shared " + UUID.randomUUID());
        String a = job();
        String b = job();
        BlobRef ref = store().put(a, "text/plain", content);
        store().put(b, "text/plain", content);
        store().put(b, "text/plain", content);
        assertThat(store().deleteJob(a)).isZero();
        assertThat(store().get(ref)).isEqualTo(content);
        assertThat(store().deleteJob(b)).isEqualTo(1);
        assertThatThrownBy(() -> store().get(ref)).isInstanceOf(BlobMissingException.class)
            .hasMessageContaining(ref.getUri()).hasMessageContaining("does not exist");
        assertThat(store().deleteJob(b)).isZero();
    }

    @Test
    void aReferenceWhoseShaDiffersFromTheContentIsRefused() {
        byte[] content = bytes("original " + UUID.randomUUID());
        BlobRef ref = store().put(job(), "text/plain", content);
        BlobRef wrongSha = ref.toBuilder().setSha256(BlobRefs.sha256(bytes("other"))).build();
        assertThatThrownBy(() -> store().get(wrongSha)).isInstanceOf(BlobCorruptException.class)
            .hasMessageContaining("SHA-256");
        byte[] altered = content.clone();
        altered[0] ^= 1;
        tamper(ref, altered);
        assertThatThrownBy(() -> store().get(ref)).isInstanceOf(BlobCorruptException.class)
            .hasMessageContaining("has SHA-256 " + BlobRefs.sha256(altered));
    }

    @Test
    void aReferenceToAnotherStoreOrOutsideItIsMissing() {
        BlobRef foreign = BlobRef.newBuilder().setUri("s3://bucket/" + "a".repeat(64)).setSha256("a".repeat(64)).build();
        assertThatThrownBy(() -> store().get(foreign)).isInstanceOf(BlobMissingException.class);
        String prefix = store().refOf("x", new byte[0]).getUri().replaceAll("[0-9a-f]{64}$", "");
        BlobRef traversal = BlobRef.newBuilder().setUri(prefix + "../../etc/passwd").build();
        assertThatThrownBy(() -> store().get(traversal)).isInstanceOf(BlobMissingException.class);
    }
}
