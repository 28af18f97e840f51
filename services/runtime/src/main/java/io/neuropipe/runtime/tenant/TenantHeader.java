package io.neuropipe.runtime.tenant;

/**
 * The HTTP header in which the gateway tells a service whose request it forwards: the tenant of the
 * caller's API key. The gateway sets it itself and never passes on a client's own, so a service
 * behind the gateway can trust it.
 */
public final class TenantHeader {

    public static final String NAME = "X-NeuroPipe-Tenant";

    private TenantHeader() {
    }
}
