package io.neuropipe.encoder.gallery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Galleries and their entries in PostgreSQL (tables of {@code V2__galleries.sql}, owned by tenants since
 * {@code V3__gallery_tenants.sql}). A tenant names a gallery; {@link #resolve} finds the tenant's own
 * gallery of that name, else the shared one, so no tenant ever reaches another tenant's gallery.
 */
@Repository
public class GalleryStore {

    /** Gallery names: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** The owner of shared galleries (gateway tenant ids are never empty). */
    public static final String SHARED = "";

    private static final String SUMMARY = """
            SELECT g.id, g.name, g.tenant, g.description, g.dim, g.version, g.created_at,
                   (SELECT count(*) FROM gallery_entries e WHERE e.gallery_id = g.id) AS size
            FROM galleries g""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    public GalleryStore(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("Gallery name '" + name + "' is invalid; use " + NAME.pattern());
        }
        return name;
    }

    /** Creates a gallery of {@code tenant} ({@link #SHARED} for a shared one); a name a shared gallery has is taken. */
    @Transactional
    public GallerySummary create(String tenant, String name, String description, int dim) {
        checkName(name);
        if (dim < 1 || dim > 65536) {
            throw new InvalidInputException("Gallery dim must be in [1, 65536], got " + dim);
        }
        if (!SHARED.equals(tenant) && find(SHARED, name).isPresent()) {
            throw new GalleryExistsException(name);
        }
        try {
            jdbc.sql("INSERT INTO galleries (tenant, name, description, dim) VALUES (?, ?, ?, ?)")
                .params(tenant, name, description == null ? "" : description, dim).update();
        } catch (DuplicateKeyException e) {
            throw new GalleryExistsException(name);
        }
        return summary(resolve(tenant, name));
    }

    /** The galleries {@code tenant} sees: its own and the shared ones. */
    public List<GallerySummary> list(String tenant) {
        return jdbc.sql(SUMMARY + " WHERE g.tenant IN (?, '') ORDER BY g.name, g.tenant = ''").param(tenant)
            .query((rs, i) -> summaryRow(rs)).list();
    }

    /** {@code tenant}'s gallery {@code name}, else the shared one; {@link GalleryNotFoundException} when neither exists. */
    public GalleryRef resolve(String tenant, String name) {
        return find(tenant, name).orElseThrow(() -> notFound(name));
    }

    private Optional<GalleryRef> find(String tenant, String name) {
        return jdbc.sql("SELECT id, name, tenant FROM galleries WHERE name = ? AND tenant IN (?, '') ORDER BY tenant = '' LIMIT 1")
            .params(name, tenant).query((rs, i) -> new GalleryRef(rs.getLong("id"), rs.getString("name"),
                rs.getString("tenant").isEmpty())).optional();
    }

    /** {@link #resolve}, refusing a shared gallery unless {@code tenant} is {@link #SHARED}. */
    public GalleryRef resolveWritable(String tenant, String name) {
        GalleryRef ref = resolve(tenant, name);
        if (ref.shared() && !SHARED.equals(tenant)) {
            throw new GalleryReadOnlyException(name);
        }
        return ref;
    }

    public GallerySummary summary(GalleryRef ref) {
        return jdbc.sql(SUMMARY + " WHERE g.id = ?").param(ref.id()).query((rs, i) -> summaryRow(rs))
            .optional().orElseThrow(() -> notFound(ref.name()));
    }

    private static GallerySummary summaryRow(ResultSet rs) throws SQLException {
        return new GallerySummary(rs.getString("name"), rs.getString("description"), rs.getInt("dim"), rs.getLong("size"),
            rs.getLong("version"), rs.getObject("created_at", OffsetDateTime.class), rs.getString("tenant").isEmpty());
    }

    public List<EntrySummary> entries(GalleryRef ref, int offset, int limit) {
        return jdbc.sql("SELECT id, label, thumbnail IS NOT NULL AS has_thumb FROM gallery_entries WHERE gallery_id = ? "
                + "ORDER BY id OFFSET ? LIMIT ?").params(ref.id(), offset, limit)
            .query((rs, i) -> new EntrySummary(rs.getLong("id"), rs.getString("label"), rs.getBoolean("has_thumb"))).list();
    }

    /** Adds entries in one transaction and bumps the gallery's version; returns the new entries' ids in order. */
    @Transactional
    public List<Long> add(GalleryRef ref, List<GalleryEntry> entries) {
        int dim = jdbc.sql("SELECT dim FROM galleries WHERE id = ? FOR UPDATE").param(ref.id()).query(Integer.class)
            .optional().orElseThrow(() -> notFound(ref.name()));
        for (int i = 0; i < entries.size(); i++) {
            check(entries.get(i), i, dim);
        }
        List<Long> ids = jdbc.sql("SELECT nextval('gallery_entries_id_seq') FROM generate_series(1, ?)")
            .param(entries.size()).query(Long.class).list();
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            GalleryEntry e = entries.get(i);
            rows.add(new Object[] {ids.get(i), ref.id(), e.label(), toBytes(e.embedding()), e.thumbnail()});
        }
        template.batchUpdate("INSERT INTO gallery_entries (id, gallery_id, label, embedding, thumbnail) VALUES (?, ?, ?, ?, ?)", rows);
        jdbc.sql("UPDATE galleries SET version = version + 1 WHERE id = ?").param(ref.id()).update();
        return ids;
    }

    @Transactional
    public void delete(GalleryRef ref) {
        if (jdbc.sql("DELETE FROM galleries WHERE id = ?").param(ref.id()).update() == 0) {
            throw notFound(ref.name());
        }
    }

    /** The current version of every gallery, by id. */
    public Map<Long, Long> versions() {
        Map<Long, Long> versions = new HashMap<>();
        jdbc.sql("SELECT id, version FROM galleries").query(rs -> {
            versions.put(rs.getLong(1), rs.getLong(2));
        });
        return versions;
    }

    /** The PNG thumbnail of entry {@code id} of gallery {@code galleryId}. */
    public byte[] thumbnail(long galleryId, String name, long id) {
        return jdbc.sql("SELECT thumbnail FROM gallery_entries WHERE gallery_id = ? AND id = ? AND thumbnail IS NOT NULL")
            .params(galleryId, id).query(byte[].class).optional()
            .orElseThrow(() -> new GalleryNotFoundException("Gallery '" + name + "' has no entry " + id + " with a thumbnail"));
    }

    /** A consistent snapshot of the gallery for searching (read in one transaction). */
    @Transactional(readOnly = true)
    public GalleryIndex loadIndex(GalleryRef ref) {
        GallerySummary g = summary(ref);
        String name = g.name();
        int n = Math.toIntExact(g.size());
        long[] ids = new long[n];
        String[] labels = new String[n];
        float[] vectors = new float[Math.multiplyExact(n, g.dim())];
        int[] row = {0};
        template.query(con -> {
            var ps = con.prepareStatement("SELECT id, label, embedding FROM gallery_entries WHERE gallery_id = ? ORDER BY id");
            ps.setLong(1, ref.id());
            ps.setFetchSize(4096);
            return ps;
        }, rs -> {
            int r = row[0]++;
            if (r >= n) {
                throw new IllegalStateException("Gallery '" + name + "' changed while it was being read");
            }
            ids[r] = rs.getLong(1);
            labels[r] = rs.getString(2);
            ByteBuffer.wrap(rs.getBytes(3)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vectors, r * g.dim(), g.dim());
        });
        return new GalleryIndex(name, g.version(), g.dim(), ids, labels, vectors);
    }

    private static void check(GalleryEntry e, int index, int dim) {
        if (e.label() == null || e.label().isBlank() || e.label().length() > 1000) {
            throw new InvalidInputException("Entry " + index + " needs a label of 1 to 1000 characters");
        }
        if (e.embedding().length != dim) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Entry " + index + " ('" + e.label() + "') has a "
                + e.embedding().length + "-d embedding; the gallery holds " + dim + "-d embeddings");
        }
        boolean nonZero = false;
        for (float v : e.embedding()) {
            if (!Float.isFinite(v)) {
                throw new InvalidInputException("Entry " + index + " ('" + e.label() + "') has non-finite values (NaN or Inf)");
            }
            nonZero |= v != 0f;
        }
        if (!nonZero) {
            throw new InvalidInputException("Entry " + index + " ('" + e.label() + "') has an all-zero embedding");
        }
    }

    private static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static GalleryNotFoundException notFound(String name) {
        return new GalleryNotFoundException("No gallery '" + name + "'");
    }
}
