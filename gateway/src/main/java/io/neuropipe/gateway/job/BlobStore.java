package io.neuropipe.gateway.job;

import java.time.Instant;
import java.util.Optional;

import io.neuropipe.proto.v1.BlobRef;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code blobs} table: uploaded files addressed by content ({@code pg://blobs/<sha256>}),
 * the claim-check store for payloads that travel by reference.
 */
@Repository
public class BlobStore {

    public static final String URI_PREFIX = "pg://blobs/";

    /** A file to store. */
    public record Blob(String mediaType, byte[] content) {

        public BlobRef ref() {
            String sha = Fingerprints.sha256(content);
            return BlobRef.newBuilder().setUri(URI_PREFIX + sha).setSha256(sha).setSizeBytes(content.length)
                .setMediaType(mediaType).build();
        }
    }

    private final JdbcClient jdbc;

    public BlobStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void put(Blob blob) {
        BlobRef ref = blob.ref();
        jdbc.sql("INSERT INTO blobs (sha256, media_type, size_bytes, content, created_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING")
            .params(ref.getSha256(), ref.getMediaType(), ref.getSizeBytes(), blob.content(), JobStore.ts(Instant.now()))
            .update();
    }

    /** The content a reference names, when it is one of ours. */
    public Optional<byte[]> get(BlobRef ref) {
        if (!ref.getUri().startsWith(URI_PREFIX)) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT content FROM blobs WHERE sha256 = ?").param(ref.getUri().substring(URI_PREFIX.length()))
            .query(byte[].class).optional();
    }
}
