package io.neuropipe.encoder.gallery;

import java.util.ArrayList;
import java.util.List;

import io.neuropipe.encoder.config.GalleryProperties;
import io.neuropipe.encoder.engine.ImageEncoderEngine;
import io.neuropipe.runtime.image.ImagePreprocessor;
import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.stereotype.Service;

/**
 * Gallery use cases for a tenant: create, fill from images (embedded here) or embeddings, delete, search.
 * A tenant reaches its own galleries and reads the shared ones ({@link GalleryStore#SHARED}).
 */
@Service
public class GalleryService {

    private final GalleryStore store;
    private final GalleryIndexes indexes;
    private final ImageEncoderEngine images;
    private final GalleryProperties props;
    private final GalleryTenants tenants;
    private final Thumbnails thumbnails;

    public GalleryService(GalleryStore store, GalleryIndexes indexes, ImageEncoderEngine images, GalleryProperties props,
                          GalleryTenants tenants) {
        this.store = store;
        this.indexes = indexes;
        this.images = images;
        this.props = props;
        this.tenants = tenants;
        this.thumbnails = new Thumbnails(props.thumbnailSide());
    }

    /** Creates an empty gallery of {@code tenant}; {@code dim} 0 = the image encoder's embedding size. */
    public GallerySummary create(String tenant, String name, String description, int dim) {
        return store.create(tenant, name, description, dim > 0 ? dim : imageEmbeddingDim());
    }

    public int imageEmbeddingDim() {
        List<Long> shape = images.card().output("embedding").orElseThrow().shape();
        return Math.toIntExact(shape.get(shape.size() - 1));
    }

    /** Embeds the images with the image encoder (batched) and adds them with their thumbnails. */
    public List<Long> addImages(String tenant, String gallery, List<LabeledImage> uploads) {
        checkCount(uploads.size());
        GalleryRef ref = store.resolveWritable(tenant, gallery);
        ImagePreprocessor pre = new ImagePreprocessor(images.card(), props.maxImageBytes(), props.maxImageSide());
        List<float[]> pixels = new ArrayList<>(uploads.size());
        List<byte[]> thumbs = new ArrayList<>(uploads.size());
        for (int i = 0; i < uploads.size(); i++) {
            LabeledImage u = uploads.get(i);
            try {
                pixels.add(pre.toPixels(u.encoded()));
                thumbs.add(thumbnails.png(u.encoded()));
            } catch (InvalidInputException e) {
                throw new InvalidInputException(e.code(), "Image " + i + " ('" + u.label() + "'): " + e.getMessage());
            }
        }
        List<float[]> embeddings = images.embed(pixels);
        List<GalleryEntry> entries = new ArrayList<>(uploads.size());
        for (int i = 0; i < uploads.size(); i++) {
            entries.add(new GalleryEntry(uploads.get(i).label(), embeddings.get(i), thumbs.get(i)));
        }
        return add(ref, entries);
    }

    /** Adds entries whose embeddings the caller computed. */
    public List<Long> add(String tenant, String gallery, List<GalleryEntry> entries) {
        checkCount(entries.size());
        return add(store.resolveWritable(tenant, gallery), entries);
    }

    private List<Long> add(GalleryRef ref, List<GalleryEntry> entries) {
        List<Long> ids = store.add(ref, entries);
        indexes.refresh(ref);
        return ids;
    }

    public void delete(String tenant, String gallery) {
        GalleryRef ref = store.resolveWritable(tenant, gallery);
        store.delete(ref);
        indexes.evict(ref);
    }

    /**
     * Top-k of {@code query} in {@code tenant}'s or the shared {@code gallery} (null/blank = the default gallery);
     * k is checked against max-k.
     */
    public SearchResult search(String tenant, String gallery, float[] query, int k) {
        GalleryRef ref = resolve(tenant, gallery, k);
        GalleryIndex index = indexes.get(ref);
        return new SearchResult(index.gallery(), index.version(), index.topK(query, k), ref.id());
    }

    /** {@link #search(String, String, float[], int)} as the default tenant (EEG streams carry no tenant). */
    public SearchResult search(String gallery, float[] query, int k) {
        return search(tenants.defaultTenant(), gallery, query, k);
    }

    /**
     * Top-k of each of {@code count} queries, row-major [count, dim], in one pass over {@code tenant}'s or the shared
     * {@code gallery}; as {@link #search(String, String, float[], int)}.
     */
    public BatchSearchResult searchAll(String tenant, String gallery, float[] queries, int count, int k) {
        GalleryRef ref = resolve(tenant, gallery, k);
        GalleryIndex index = indexes.get(ref);
        return new BatchSearchResult(index.gallery(), index.version(), index.topK(queries, count, k), ref.id());
    }

    /** {@link #searchAll(String, String, float[], int, int)} as the default tenant (EEG streams carry no tenant). */
    public BatchSearchResult searchAll(String gallery, float[] queries, int count, int k) {
        return searchAll(tenants.defaultTenant(), gallery, queries, count, k);
    }

    private GalleryRef resolve(String tenant, String gallery, int k) {
        if (k < 1 || k > props.maxK()) {
            throw new InvalidInputException("k=" + k + " is outside [1, " + props.maxK() + "]");
        }
        return store.resolve(tenant, gallery == null || gallery.isBlank() ? props.defaultGallery() : gallery);
    }

    private void checkCount(int n) {
        if (n < 1 || n > props.maxEntriesPerUpload()) {
            throw new InvalidInputException("An upload adds 1 to " + props.maxEntriesPerUpload() + " entries, got " + n);
        }
    }

    /** Hits of one search and the gallery snapshot they came from ({@code galleryId}: its key, for thumbnails). */
    public record SearchResult(String gallery, long version, List<RetrievalHit> hits, long galleryId) {
    }

    /** Hits of a batch of searches (one list per query, in query order) and the gallery snapshot they came from. */
    public record BatchSearchResult(String gallery, long version, List<List<RetrievalHit>> hits, long galleryId) {
    }
}
