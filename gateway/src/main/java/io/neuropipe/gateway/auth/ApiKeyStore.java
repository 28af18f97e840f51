package io.neuropipe.gateway.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code api_keys} table: only a SHA-256 of each key's secret is stored. */
@Repository
public class ApiKeyStore {

    /** A stored key, without its secret. */
    public record StoredKey(UUID id, String tenant, String name, byte[] secretSha256, Instant created, Instant revoked) {
    }

    private final JdbcClient jdbc;

    public ApiKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, String tenant, String name, byte[] secretSha256, Instant created) {
        jdbc.sql("INSERT INTO api_keys (id, tenant, name, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?)")
            .params(id, tenant, name, secretSha256, created.atOffset(ZoneOffset.UTC)).update();
    }

    public Optional<StoredKey> find(UUID id) {
        return jdbc.sql("SELECT * FROM api_keys WHERE id = ?").param(id).query(this::row).optional();
    }

    /** Keys of {@code tenant} (null = all), newest first. */
    public List<StoredKey> list(String tenant) {
        return jdbc.sql("SELECT * FROM api_keys WHERE (?::text IS NULL OR tenant = ?) ORDER BY created_at DESC")
            .params(tenant, tenant).query(this::row).list();
    }

    /** Revokes a key; false when there is no such unrevoked key. */
    public boolean revoke(UUID id, Instant now) {
        return jdbc.sql("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .params(now.atOffset(ZoneOffset.UTC), id).update() == 1;
    }

    private StoredKey row(ResultSet rs, int n) throws SQLException {
        OffsetDateTime revoked = rs.getObject("revoked_at", OffsetDateTime.class);
        return new StoredKey(rs.getObject("id", UUID.class), rs.getString("tenant"), rs.getString("name"),
            rs.getBytes("secret_sha256"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            revoked == null ? null : revoked.toInstant());
    }
}
