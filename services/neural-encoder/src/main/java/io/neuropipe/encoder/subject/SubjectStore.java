package io.neuropipe.encoder.subject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code subjects} table. */
@Repository
public class SubjectStore {

    private static final String COLUMNS = "id, modality, montage, voxel_count, adapter_model, adapter_version, sha256,"
        + " adapter_onnx IS NOT NULL AS uploaded, created";

    private final JdbcClient jdbc;

    public SubjectStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Subject> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM subjects ORDER BY id").query(SubjectStore::row).list();
    }

    public Optional<Subject> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM subjects WHERE id = ?").param(id).query(SubjectStore::row).optional();
    }

    /** The uploaded adapter graph of a subject, if it has one. */
    public Optional<byte[]> adapterGraph(String id) {
        return jdbc.sql("SELECT adapter_onnx FROM subjects WHERE id = ? AND adapter_onnx IS NOT NULL").param(id)
            .query((rs, n) -> rs.getBytes(1)).optional();
    }

    /** Inserts a subject; false when the id is taken (nothing changed). */
    public boolean insert(Subject s, byte[] adapterGraph) {
        return jdbc.sql("INSERT INTO subjects (id, modality, montage, voxel_count, adapter_model, adapter_version, sha256,"
                + " adapter_onnx) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")
            .params(s.id(), s.modality().key(), s.montage().isEmpty() ? null : String.join(",", s.montage()),
                s.voxelCount() > 0 ? s.voxelCount() : null, s.adapterModel(), s.adapterVersion(), s.sha256(), adapterGraph)
            .update() == 1;
    }

    private static Subject row(ResultSet rs, int n) throws SQLException {
        String montage = rs.getString("montage");
        return new Subject(rs.getString("id"), Subject.Modality.parse(rs.getString("modality")),
            montage == null ? List.of() : Arrays.asList(montage.split(",")), rs.getInt("voxel_count"),
            rs.getString("adapter_model"), rs.getInt("adapter_version"), rs.getString("sha256").strip(),
            rs.getBoolean("uploaded"), rs.getTimestamp("created").toInstant());
    }
}
