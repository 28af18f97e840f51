package io.neuropipe.encoder.gallery;

import java.util.regex.Pattern;

import io.neuropipe.encoder.config.GalleryProperties;
import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.stereotype.Component;

/**
 * Whose galleries a call sees: the tenant the gateway forwarded (REST header) or the job's tenant,
 * the configured default tenant when there is none.
 */
@Component
public class GalleryTenants {

    private static final Pattern TENANT = Pattern.compile(GalleryProperties.TENANT);

    private final String defaultTenant;

    public GalleryTenants(GalleryProperties props) {
        this.defaultTenant = props.defaultTenant();
    }

    /** The tenant {@code named} (null or blank = the default one); a malformed id is bad input, never the shared owner. */
    public String resolve(String named) {
        if (named == null || named.isBlank()) {
            return defaultTenant;
        }
        if (!TENANT.matcher(named).matches()) {
            throw new InvalidInputException("Tenant '" + named + "' is not a valid tenant id (" + TENANT.pattern() + ")");
        }
        return named;
    }

    public String defaultTenant() {
        return defaultTenant;
    }
}
