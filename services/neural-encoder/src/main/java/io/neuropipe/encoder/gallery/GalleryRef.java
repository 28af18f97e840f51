package io.neuropipe.encoder.gallery;

/**
 * A gallery as a tenant names it, resolved: the tenant's own gallery of that name, else the shared one.
 *
 * @param id     the gallery's key (names are unique per tenant only)
 * @param shared whether it is a shared gallery, which tenants read but do not change
 */
public record GalleryRef(long id, String name, boolean shared) {
}
