package io.neuropipe.gateway.api;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.neuropipe.gateway.auth.ApiKeyStore;
import io.neuropipe.gateway.auth.ApiKeys;
import io.neuropipe.gateway.job.InvalidInputException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Key management for the administrator ({@code /v1/admin/keys}; the auth filter lets only the
 * administrator key through): issue a key for a tenant (the key is in the answer, once), list
 * keys (never their secrets), revoke a key.
 */
@RestController
@RequestMapping("/v1/admin/keys")
class AdminKeyController {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** A key as listed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Key(String id, String tenant, String name, Instant created, Instant revoked) {
    }

    private final ApiKeys keys;
    private final ApiKeyStore store;

    AdminKeyController(ApiKeys keys, ApiKeyStore store) {
        this.keys = keys;
        this.store = store;
    }

    @PostMapping
    ResponseEntity<ApiKeys.Issued> issue(@RequestBody JsonNode body) {
        String tenant = text(body, "tenant");
        if (!TENANT.matcher(tenant).matches()) {
            throw new InvalidInputException("tenant", "Must be 1-63 letters, digits, '.', '_' or '-', starting with a"
                + " letter or digit");
        }
        String name = body.has("name") ? text(body, "name") : "";
        ApiKeys.Issued issued = keys.issue(tenant, name);
        return ResponseEntity.created(URI.create("/v1/admin/keys/" + issued.id())).body(issued);
    }

    @GetMapping
    List<Key> list(@RequestParam(required = false) String tenant) {
        return store.list(tenant == null || tenant.isBlank() ? null : tenant).stream()
            .map(k -> new Key(k.id().toString(), k.tenant(), k.name(), k.created(), k.revoked())).toList();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable String id) {
        UUID uuid = JobLookup.parse(id).orElseThrow(() -> new KeyNotFoundException(id));
        if (!store.revoke(uuid, Instant.now())) {
            throw new KeyNotFoundException(id);
        }
        return ResponseEntity.noContent().build();
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        if (v == null || !v.isString() || v.stringValue().length() > 200) {
            throw new InvalidInputException(field, "Must be a string of at most 200 characters");
        }
        return v.stringValue();
    }

    /** No such active key. */
    static class KeyNotFoundException extends RuntimeException {
        KeyNotFoundException(String id) {
            super("No active API key '" + id + "'");
        }
    }
}
