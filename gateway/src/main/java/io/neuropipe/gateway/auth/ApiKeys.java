package io.neuropipe.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.neuropipe.gateway.config.AuthProperties;
import io.neuropipe.gateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

/**
 * Issues and checks API keys. A key reads {@code np_<id>_<secret>}: the id (32 hex digits) finds
 * the stored row, the secret (32 random bytes, base64url) is compared in constant time with the
 * stored SHA-256 of it. The administrator key from configuration is compared the same way.
 */
@Component
public class ApiKeys {

    /** A newly issued key; {@code key} is shown this once and never stored. */
    public record Issued(UUID id, String tenant, String name, String key, Instant created) {
    }

    private static final Pattern FORMAT = Pattern.compile("np_([0-9a-f]{32})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiKeyStore store;
    private final byte[] adminHash;
    private final String defaultTenant;

    public ApiKeys(ApiKeyStore store, AuthProperties auth, GatewayProperties gateway) {
        this.store = store;
        this.adminHash = auth.adminKey() == null ? null : sha256(auth.adminKey());
        this.defaultTenant = gateway.defaultTenant();
    }

    public Issued issue(String tenant, String name) {
        UUID id = UUID.randomUUID();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = Instant.now();
        store.insert(id, tenant, name, sha256(encoded), now);
        return new Issued(id, tenant, name, "np_" + id.toString().replace("-", "") + "_" + encoded, now);
    }

    /** The caller a presented key stands for; empty for an unknown, malformed or revoked key. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        if (adminHash != null && MessageDigest.isEqual(hash, adminHash)) {
            return Optional.of(new Caller(defaultTenant, "admin", true));
        }
        Matcher m = FORMAT.matcher(presented);
        if (!m.matches()) {
            return Optional.empty();
        }
        String hex = m.group(1);
        UUID id = UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
        byte[] secretHash = sha256(m.group(2));
        return store.find(id)
            .filter(k -> k.revoked() == null && MessageDigest.isEqual(secretHash, k.secretSha256()))
            .map(k -> new Caller(k.tenant(), k.id().toString(), false));
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
