package io.neuropipe.gateway.auth;

/**
 * Who made a request, as established by {@link AuthFilter} and kept in the request attribute
 * {@link #ATTRIBUTE}.
 *
 * @param tenant the tenant whose jobs the caller sees and creates
 * @param keyId  the API key's id ({@code admin} for the administrator key, {@code anonymous}
 *               with auth disabled)
 * @param admin  whether the caller may manage API keys
 * @param allTenants whether the caller sees every tenant's jobs (only with auth disabled, in local
 *                   mode, where jobs from the Kafka ingress carry their own tenants)
 */
public record Caller(String tenant, String keyId, boolean admin, boolean allTenants) {

    public static final String ATTRIBUTE = "io.neuropipe.gateway.caller";

    /** A caller holding a key: sees its own tenant's jobs only. */
    public Caller(String tenant, String keyId, boolean admin) {
        this(tenant, keyId, admin, false);
    }

    /** The tenant to filter listings by; null for a caller that sees all. */
    public String tenantFilter() {
        return allTenants ? null : tenant;
    }

    /** Whether the caller may see a job of {@code jobTenant}. */
    public boolean owns(String jobTenant) {
        return allTenants || tenant.equals(jobTenant);
    }
}
