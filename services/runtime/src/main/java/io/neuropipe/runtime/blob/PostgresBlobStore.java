package io.neuropipe.runtime.blob;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.neuropipe.proto.v1.BlobRef;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Blobs in PostgreSQL: the gateway's {@code blobs} table (content by SHA-256) and
 * {@code blob_claims} (which job holds which blob), both created by the gateway's Flyway
 * migrations. Addresses are {@code pg://blobs/<sha256>}. Used inside a Spring transaction the
 * writes join it (the gateway stores uploads in the job's own transaction).
 */
public final class PostgresBlobStore implements BlobStore, AutoCloseable {

    public static final String URI_PREFIX = "pg://blobs/";

    private final JdbcTemplate jdbc;
    private final AutoCloseable ownPool;

    /** A store on a DataSource the application manages. */
    public PostgresBlobStore(DataSource dataSource) {
        this(dataSource, null);
    }

    /** A store on a pool of its own, closed with the store. */
    public static PostgresBlobStore owning(HikariDataSource pool) {
        return new PostgresBlobStore(pool, pool);
    }

    private PostgresBlobStore(DataSource dataSource, AutoCloseable ownPool) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.ownPool = ownPool;
    }

    @Override
    public void close() throws Exception {
        if (ownPool != null) {
            ownPool.close();
        }
    }

    @Override
    public BlobRef refOf(String mediaType, byte[] content) {
        return BlobRefs.of(URI_PREFIX, mediaType, content);
    }

    @Override
    public BlobRef put(String jobId, String mediaType, byte[] content) {
        BlobRef ref = refOf(mediaType, content);
        try {
            try {
                insert(jobId, ref, content);
            } catch (DataIntegrityViolationException e) {
                // the last other claim was deleted between our two inserts, taking the blob with it
                insert(jobId, ref, content);
            }
            return ref;
        } catch (DataAccessException e) {
            throw failure("Cannot store blob " + ref.getUri() + " for job " + jobId, e);
        }
    }

    private void insert(String jobId, BlobRef ref, byte[] content) {
        jdbc.update("INSERT INTO blobs (sha256, media_type, size_bytes, content, created_at) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT (sha256) DO NOTHING", ref.getSha256(), ref.getMediaType(), ref.getSizeBytes(), content,
            Timestamp.from(Instant.now()));
        jdbc.update("INSERT INTO blob_claims (job_id, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING", jobId, ref.getSha256());
    }

    @Override
    public byte[] get(BlobRef ref) {
        String sha = BlobRefs.addressOf(ref, URI_PREFIX);
        List<byte[]> rows;
        try {
            rows = jdbc.query("SELECT content FROM blobs WHERE sha256 = ?", (rs, i) -> rs.getBytes(1), sha);
        } catch (DataAccessException e) {
            throw failure("Cannot read blob " + ref.getUri(), e);
        }
        if (rows.isEmpty()) {
            throw new BlobMissingException("Blob " + ref.getUri() + " does not exist (deleted with its job?)");
        }
        return BlobRefs.verified(ref, rows.get(0));
    }

    /**
     * Unavailable (retried, waited out by steps) only when the database cannot be reached or the
     * failure may pass; a missing table or a bad statement is a configuration error, never waited out.
     */
    private static RuntimeException failure(String what, DataAccessException e) {
        if (e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessException
                || e instanceof RecoverableDataAccessException) {
            return new BlobUnavailableException(what + ": " + e.getMessage(), e);
        }
        return new IllegalStateException(what + " (blob store misconfigured?): " + e.getMessage(), e);
    }

    @Override
    public int deleteJob(String jobId) {
        // The NOT EXISTS sees the claims as they were before this statement, hence "another job".
        return jdbc.update("WITH gone AS (DELETE FROM blob_claims WHERE job_id = ? RETURNING sha256) "
            + "DELETE FROM blobs b USING gone WHERE b.sha256 = gone.sha256 "
            + "AND NOT EXISTS (SELECT 1 FROM blob_claims c WHERE c.sha256 = b.sha256 AND c.job_id <> ?)", jobId, jobId);
    }
}
