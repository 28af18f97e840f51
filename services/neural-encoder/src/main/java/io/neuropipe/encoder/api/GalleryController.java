package io.neuropipe.encoder.api;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.neuropipe.encoder.config.GalleryProperties;
import io.neuropipe.encoder.gallery.EntrySummary;
import io.neuropipe.encoder.gallery.GalleryEntry;
import io.neuropipe.encoder.gallery.GalleryRef;
import io.neuropipe.encoder.gallery.GalleryService;
import io.neuropipe.encoder.gallery.GalleryStore;
import io.neuropipe.encoder.gallery.GallerySummary;
import io.neuropipe.encoder.gallery.GalleryTenants;
import io.neuropipe.encoder.gallery.LabeledImage;
import io.neuropipe.encoder.gallery.RetrievalJson;
import io.neuropipe.encoder.io.FloatNdArray;
import io.neuropipe.encoder.io.NpyReader;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.tenant.TenantHeader;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Galleries over REST ({@code /v1/galleries}); the gateway forwards its {@code /v1/galleries/**}
 * here behind its API keys, naming the caller's tenant in {@link TenantHeader#NAME}. A tenant sees
 * its own galleries and the shared ones (read-only); another tenant's gallery is a 404 like one
 * that does not exist. Errors are {@code application/problem+json} (see {@link GalleryProblems}).
 */
@RestController
@RequestMapping("/v1/galleries")
class GalleryController {

    /** Body of {@code POST /v1/galleries}; {@code dim} 0 or absent = the image encoder's embedding size. */
    record CreateGallery(String name, String description, Integer dim) {
    }

    /** One entry of {@code POST .../embeddings} as JSON. */
    record EmbeddingEntry(String label, float[] embedding) {
    }

    /** Body of {@code POST .../embeddings} as JSON. */
    record EmbeddingUpload(List<EmbeddingEntry> entries) {
    }

    /** Body of {@code POST .../search}. */
    record SearchRequest(float[] embedding, Integer k) {
    }

    private final GalleryService galleries;
    private final GalleryStore store;
    private final GalleryProperties props;
    private final GalleryTenants tenants;

    GalleryController(GalleryService galleries, GalleryStore store, GalleryProperties props, GalleryTenants tenants) {
        this.galleries = galleries;
        this.store = store;
        this.props = props;
        this.tenants = tenants;
    }

    @GetMapping
    Map<String, Object> list(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant) {
        return Map.of("galleries", store.list(tenants.resolve(tenant)));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<GallerySummary> create(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant,
                                          @RequestBody CreateGallery body) {
        GallerySummary g = galleries.create(tenants.resolve(tenant), body.name(), body.description(),
            body.dim() == null ? 0 : body.dim());
        return ResponseEntity.created(URI.create("/v1/galleries/" + g.name())).body(g);
    }

    @GetMapping("/{name}")
    Map<String, Object> get(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant, @PathVariable String name,
                            @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "100") int limit) {
        if (offset < 0 || limit < 1 || limit > 10000) {
            throw new InvalidInputException("offset must be >= 0 and limit in [1, 10000]");
        }
        GalleryRef ref = store.resolve(tenants.resolve(tenant), name);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (EntrySummary e : store.entries(ref, offset, limit)) {
            entries.add(Map.of("id", e.id(), "label", e.label(),
                "thumbnail", e.thumbnail() ? RetrievalJson.thumbnailPath(name, e.id()) : ""));
        }
        return Map.of("gallery", store.summary(ref), "offset", offset, "entries", entries);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant, @PathVariable String name) {
        galleries.delete(tenants.resolve(tenant), name);
        return ResponseEntity.noContent().build();
    }

    /**
     * Adds images (multipart parts {@code image}, PNG or JPEG), embedded here with the image encoder.
     * Labels come from the {@code label} parts, in order, or else from the file names.
     */
    @PostMapping(path = "/{name}/images", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Map<String, Object>> addImages(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant,
                                                  @PathVariable String name,
                                                  @RequestPart(name = "image", required = false) List<MultipartFile> images,
                                                  @RequestParam(name = "label", required = false) List<String> labels) {
        if (images == null || images.isEmpty()) {
            throw new InvalidInputException("Send one or more multipart parts named 'image'");
        }
        if (labels != null && !labels.isEmpty() && labels.size() != images.size()) {
            throw new InvalidInputException(images.size() + " images but " + labels.size() + " labels");
        }
        List<LabeledImage> uploads = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            MultipartFile f = images.get(i);
            String label = labels != null && !labels.isEmpty() ? labels.get(i) : baseName(f.getOriginalFilename(), i);
            uploads.add(new LabeledImage(label, bytes(f)));
        }
        String owner = tenants.resolve(tenant);
        return added(owner, name, galleries.addImages(owner, name, uploads));
    }

    /** Adds entries with their embeddings as JSON: {@code {"entries": [{"label": ..., "embedding": [...]}]}}. */
    @PostMapping(path = "/{name}/embeddings", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> addEmbeddings(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant,
                                                      @PathVariable String name, @RequestBody EmbeddingUpload body) {
        if (body.entries() == null || body.entries().isEmpty()) {
            throw new InvalidInputException("Send {\"entries\": [{\"label\": ..., \"embedding\": [...]}, ...]}");
        }
        List<GalleryEntry> entries = new ArrayList<>(body.entries().size());
        for (int i = 0; i < body.entries().size(); i++) {
            EmbeddingEntry e = body.entries().get(i);
            if (e == null || e.embedding() == null) {
                throw new InvalidInputException("Entry " + i + " has no embedding");
            }
            entries.add(new GalleryEntry(e.label(), e.embedding(), null));
        }
        String owner = tenants.resolve(tenant);
        return added(owner, name, galleries.add(owner, name, entries));
    }

    /** Adds entries from an NPY file {@code embeddings} [n, dim] and {@code n} {@code label} parts. */
    @PostMapping(path = "/{name}/embeddings", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Map<String, Object>> addEmbeddingsNpy(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant,
                                                         @PathVariable String name,
                                                         @RequestPart(name = "embeddings", required = false) MultipartFile npy,
                                                         @RequestParam(name = "label", required = false) List<String> labels) {
        if (npy == null) {
            throw new InvalidInputException("Send the embeddings as a multipart NPY part named 'embeddings'");
        }
        FloatNdArray array = new NpyReader().read(bytes(npy), "embeddings");
        if (array.rank() != 2) {
            throw new InvalidInputException("embeddings must be an [n, dim] array, got " + array.shapeString());
        }
        int n = array.dim(0);
        if (labels == null || labels.size() != n) {
            throw new InvalidInputException("embeddings has " + n + " rows but " + (labels == null ? 0 : labels.size())
                + " 'label' parts were sent");
        }
        List<GalleryEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new GalleryEntry(labels.get(i), array.slice(i), null));
        }
        String owner = tenants.resolve(tenant);
        return added(owner, name, galleries.add(owner, name, entries));
    }

    @GetMapping(path = "/{name}/entries/{id}/thumbnail", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> thumbnail(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant,
                                     @PathVariable String name, @PathVariable long id) {
        GalleryRef ref = store.resolve(tenants.resolve(tenant), name);
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(MediaType.IMAGE_PNG)
            .body(store.thumbnail(ref.id(), name, id));
    }

    /** Top-k of an embedding: {@code {"embedding": [...], "k": 5}}. */
    @PostMapping(path = "/{name}/search", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> search(@RequestHeader(name = TenantHeader.NAME, required = false) String tenant,
                               @PathVariable String name, @RequestBody SearchRequest body) {
        if (body.embedding() == null) {
            throw new InvalidInputException("Send {\"embedding\": [...], \"k\": n}");
        }
        return RetrievalJson.toMap(galleries.search(tenants.resolve(tenant), name, body.embedding(),
            body.k() == null ? props.defaultK() : body.k()));
    }

    private ResponseEntity<Map<String, Object>> added(String tenant, String name, List<Long> ids) {
        return ResponseEntity.status(201).body(Map.of("gallery", store.summary(store.resolve(tenant, name)), "ids", ids));
    }

    private static byte[] bytes(MultipartFile f) {
        try {
            return f.getBytes();
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read the upload '" + f.getName() + "': " + e.getMessage());
        }
    }

    private static String baseName(String filename, int index) {
        if (filename == null || filename.isBlank()) {
            return "image " + index;
        }
        String base = filename.replaceAll("^.*[/\\\\]", "");
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
