package io.neuropipe.encoder.gallery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Galleries and their entries in PostgreSQL (tables of {@code V2__galleries.sql}). */
@Repository
public class GalleryStore {

    /** Gallery names: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

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

    @Transactional
    public GallerySummary create(String name, String description, int dim) {
        checkName(name);
        if (dim < 1 || dim > 65536) {
            throw new InvalidInputException("Gallery dim must be in [1, 65536], got " + dim);
        }
        try {
            jdbc.sql("INSERT INTO galleries (name, description, dim) VALUES (?, ?, ?)")
                .params(name, description == null ? "" : description, dim).update();
        } catch (DuplicateKeyException e) {
            throw new GalleryExistsException(name);
        }
        return summary(name);
    }

    public List<GallerySummary> list() {
        return jdbc.sql("""
                SELECT g.name, g.description, g.dim, g.version, g.created_at,
                       (SELECT count(*) FROM gallery_entries e WHERE e.gallery = g.name) AS size
                FROM galleries g ORDER BY g.name""")
            .query((rs, i) -> new GallerySummary(rs.getString("name"), rs.getString("description"), rs.getInt("dim"),
                rs.getLong("size"), rs.getLong("version"), rs.getObject("created_at", OffsetDateTime.class)))
            .list();
    }


    public GallerySummary summary(String name) {
        return jdbc.sql("""
                SELECT g.name, g.description, g.dim, g.version, g.created_at,
                       (SELECT count(*) FROM gallery_entries e WHERE e.gallery = g.name) AS size
                FROM galleries g WHERE g.name = ?""").param(name)
            .query((rs, i) -> new GallerySummary(rs.getString("name"), rs.getString("description"), rs.getInt("dim"),
                rs.getLong("size"), rs.getLong("version"), rs.getObject("created_at", OffsetDateTime.class)))
            .optional().orElseThrow(() -> notFound(name));
    }

    public List<EntrySummary> entries(String name, int offset, int limit) {
        summary(name);
        return jdbc.sql("SELECT id, label, thumbnail IS NOT NULL AS has_thumb FROM gallery_entries WHERE gallery = ? "
                + "ORDER BY id OFFSET ? LIMIT ?").params(name, offset, limit)
            .query((rs, i) -> new EntrySummary(rs.getLong("id"), rs.getString("label"), rs.getBoolean("has_thumb"))).list();
    }

    /** Adds entries in one transaction and bumps the gallery's version; returns the new entries' ids in order. */
    @Transactional
    public List<Long> add(String name, List<GalleryEntry> entries) {
        int dim = jdbc.sql("SELECT dim FROM galleries WHERE name = ? FOR UPDATE").param(name).query(Integer.class)
            .optional().orElseThrow(() -> notFound(name));
        for (int i = 0; i < entries.size(); i++) {
            check(entries.get(i), i, dim);
        }
        List<Long> ids = jdbc.sql("SELECT nextval('gallery_entries_id_seq') FROM generate_series(1, ?)")
            .param(entries.size()).query(Long.class).list();
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            GalleryEntry e = entries.get(i);
            rows.add(new Object[] {ids.get(i), name, e.label(), toBytes(e.embedding()), e.thumbnail()});
        }
        template.batchUpdate("INSERT INTO gallery_entries (id, gallery, label, embedding, thumbnail) VALUES (?, ?, ?, ?, ?)", rows);
        jdbc.sql("UPDATE galleries SET version = version + 1 WHERE name = ?").param(name).update();
        return ids;
    }

    @Transactional
    public void delete(String name) {
        if (jdbc.sql("DELETE FROM galleries WHERE name = ?").param(name).update() == 0) {
            throw notFound(name);
        }
    }

    public long version(String name) {
        return jdbc.sql("SELECT version FROM galleries WHERE name = ?").param(name).query(Long.class)
            .optional().orElseThrow(() -> notFound(name));
    }

    public byte[] thumbnail(String name, long id) {
        return jdbc.sql("SELECT thumbnail FROM gallery_entries WHERE gallery = ? AND id = ? AND thumbnail IS NOT NULL")
            .params(name, id).query(byte[].class).optional()
            .orElseThrow(() -> new GalleryNotFoundException("Gallery '" + name + "' has no entry " + id + " with a thumbnail"));
    }

    /** A consistent snapshot of the gallery for searching (read in one transaction). */
    @Transactional(readOnly = true)
    public GalleryIndex loadIndex(String name) {
        GallerySummary g = summary(name);
        int n = Math.toIntExact(g.size());
        long[] ids = new long[n];
        String[] labels = new String[n];
        float[] vectors = new float[Math.multiplyExact(n, g.dim())];
        int[] row = {0};
        template.query(con -> {
            var ps = con.prepareStatement("SELECT id, label, embedding FROM gallery_entries WHERE gallery = ? ORDER BY id");
            ps.setString(1, name);
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
