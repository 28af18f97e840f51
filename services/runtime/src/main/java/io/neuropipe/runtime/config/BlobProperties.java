package io.neuropipe.runtime.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The claim-check blob store shared by the gateway and the services ({@code neuropipe.blobs.*}).
 *
 * @param store       where payloads go: {@code postgres} (the gateway's database) or {@code filesystem}
 *                    (a directory every instance mounts)
 * @param inlineLimit largest artifact (serialized) that travels inline in a Kafka record; larger
 *                    ones travel as a blob reference. Must stay well below the producers' max.request.size
 * @param postgres    connection for the {@code postgres} store where the application has no DataSource of its own
 * @param filesystem  settings of the {@code filesystem} store
 * @param outageWait  how long a service's step keeps retrying a record, with back-off and without
 *                    committing its offset, while the blob store cannot be reached (reading a
 *                    claim-checked input or storing a large output), counted from the start of the
 *                    outage; the job's deadline still wins. Between 0 and 4m: below the consumers'
 *                    {@code max.poll.interval.ms} (5 min)
 */
@Validated
@ConfigurationProperties("neuropipe.blobs")
public record BlobProperties(
        @NotNull @DefaultValue("postgres") Store store,
        @NotNull @DefaultValue("512KB") DataSize inlineLimit,
        @Valid @NotNull @DefaultValue Postgres postgres,
        @Valid @NotNull @DefaultValue FileSystem filesystem,
        @NotNull @DefaultValue("2m") Duration outageWait) {

    /** Largest inline limit: records must leave room for the rest of an envelope under 8 MiB. */
    public static final long MAX_INLINE_LIMIT = 4L * 1024 * 1024;

    /** Blob store implementations. */
    public enum Store {
        /** Tables {@code blobs} and {@code blob_claims} in PostgreSQL (the default). */
        POSTGRES,
        /** Files under {@code neuropipe.blobs.filesystem.root}. */
        FILESYSTEM
    }

    @AssertTrue(message = "neuropipe.blobs.outage-wait must be between 0 and 4m (below the consumers' max.poll.interval.ms of 5m)")
    public boolean isOutageWaitInRange() {
        return outageWait == null || !outageWait.isNegative() && outageWait.compareTo(Duration.ofMinutes(4)) <= 0;
    }

    @AssertTrue(message = "neuropipe.blobs.inline-limit must be between 1KB and 4MB")
    public boolean isInlineLimitInRange() {
        return inlineLimit == null || inlineLimit.toBytes() >= 1024 && inlineLimit.toBytes() <= MAX_INLINE_LIMIT;
    }

    /**
     * The PostgreSQL store's own connection pool; ignored in an application that has a DataSource
     * (the gateway), which the store then shares.
     *
     * @param url         JDBC URL of the database holding the gateway's tables
     * @param username    database user
     * @param password    database password
     * @param maxPoolSize most connections this application opens for blobs
     */
    public record Postgres(
            @NotBlank @DefaultValue("jdbc:postgresql://localhost:5432/neuropipe") String url,
            @NotBlank @DefaultValue("postgres") String username,
            @NotNull @DefaultValue("") String password,
            @Min(1) @DefaultValue("4") int maxPoolSize) {
    }

    /**
     * The filesystem store.
     *
     * @param root directory holding the blobs; every instance must see the same one
     */
    public record FileSystem(@NotNull @DefaultValue("/var/lib/neuropipe/blobs") Path root) {
    }
}
