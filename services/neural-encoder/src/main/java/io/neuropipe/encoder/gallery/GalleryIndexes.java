package io.neuropipe.encoder.gallery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.neuropipe.encoder.config.GalleryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The in-memory search index of each gallery, loaded on first use and replaced whole (a versioned
 * swap) when the gallery changes: at once for changes made through this instance, within
 * {@code refresh-interval} for changes made by another replica.
 */
@Component
public class GalleryIndexes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GalleryIndexes.class);

    private final GalleryStore store;
    private final Map<Long, GalleryIndex> indexes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker;

    public GalleryIndexes(GalleryStore store, GalleryProperties props) {
        this.store = store;
        if (props.refreshInterval().isZero()) {
            this.checker = null;
        } else {
            this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gallery-index-refresh");
                t.setDaemon(true);
                return t;
            });
            long ms = props.refreshInterval().toMillis();
            checker.scheduleWithFixedDelay(this::refreshStale, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** The current index of the gallery; a {@link GalleryNotFoundException} when it does not exist (any more). */
    public GalleryIndex get(GalleryRef gallery) {
        GalleryIndex index = indexes.get(gallery.id());
        return index != null ? index : refresh(gallery);
    }

    /** Reloads the gallery from the database and swaps it in unless a newer snapshot is already there. */
    public GalleryIndex refresh(GalleryRef gallery) {
        GalleryIndex loaded;
        try {
            loaded = store.loadIndex(gallery);
        } catch (GalleryNotFoundException e) {
            indexes.remove(gallery.id());
            throw e;
        }
        return indexes.merge(gallery.id(), loaded, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    public void evict(GalleryRef gallery) {
        indexes.remove(gallery.id());
    }

    void refreshStale() {
        try {
            Map<Long, Long> versions = store.versions();
            indexes.forEach((id, index) -> {
                Long current = versions.get(id);
                if (current == null) {
                    indexes.remove(id, index);
                } else if (current != index.version()) {
                    refresh(new GalleryRef(id, index.gallery(), false));
                }
            });
        } catch (RuntimeException e) {
            log.warn("Checking gallery versions failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }
}
