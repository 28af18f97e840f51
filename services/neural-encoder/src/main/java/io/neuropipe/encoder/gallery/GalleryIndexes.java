package io.neuropipe.encoder.gallery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.neuropipe.encoder.config.GalleryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
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
    private final JdbcClient jdbc;
    private final Map<String, GalleryIndex> indexes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker;

    public GalleryIndexes(GalleryStore store, JdbcClient jdbc, GalleryProperties props) {
        this.store = store;
        this.jdbc = jdbc;
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

    /** The current index of {@code gallery}; a {@link GalleryNotFoundException} when it does not exist. */
    public GalleryIndex get(String gallery) {
        GalleryIndex index = indexes.get(gallery);
        return index != null ? index : refresh(gallery);
    }

    /** Reloads {@code gallery} from the database and swaps it in unless a newer snapshot is already there. */
    public GalleryIndex refresh(String gallery) {
        GalleryIndex loaded;
        try {
            loaded = store.loadIndex(gallery);
        } catch (GalleryNotFoundException e) {
            indexes.remove(gallery);
            throw e;
        }
        return indexes.merge(gallery, loaded, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    public void evict(String gallery) {
        indexes.remove(gallery);
    }

    void refreshStale() {
        try {
            Map<String, Long> versions = new ConcurrentHashMap<>();
            jdbc.sql("SELECT name, version FROM galleries").query(rs -> {
                versions.put(rs.getString(1), rs.getLong(2));
            });
            for (GalleryIndex index : indexes.values()) {
                Long current = versions.get(index.gallery());
                if (current == null) {
                    indexes.remove(index.gallery(), index);
                } else if (current != index.version()) {
                    refresh(index.gallery());
                }
            }
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
