package io.neuropipe.gateway.job;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepResult;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** The {@code jobs} table. */
@Repository
public class JobStore {

    private static final String COLUMNS = "id, tenant, request_id, pipeline, status, route, leaf_ids, params::text AS params, "
        + "traceparent, error_code, error_message, created_at, updated_at, finished_at, deadline_at";
    private static final String FILTER = "(?::text IS NULL OR tenant = ?) AND (?::text IS NULL OR status = ?) "
        + "AND (?::text IS NULL OR pipeline = ?)";
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public JobStore(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Inserts the job unless its id or (tenant, request id) exists; returns whether it was inserted. */
    public boolean insert(JobRow j) {
        return insert(j, null, List.of());
    }

    /**
     * Inserts the job with the fingerprint of the request that created it and its inputs (kept to be
     * served as artifacts), unless its id or (tenant, request id) exists.
     */
    public boolean insert(JobRow j, String requestHash, List<Artifact> inputs) {
        return jdbc.sql("INSERT INTO jobs (id, tenant, request_id, pipeline, status, route, leaf_ids, params, traceparent, "
                + "error_code, error_message, created_at, updated_at, finished_at, deadline_at, request_hash, inputs) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(j.id(), j.tenant(), j.requestId(), j.pipeline(), j.state().name(), j.route().toByteArray(),
                j.leafIds().toArray(String[]::new), json.writeValueAsString(j.params()), j.traceparent(),
                j.errorCode(), j.errorMessage(), ts(j.created()), ts(j.updated()), ts(j.finished()), ts(j.deadline()),
                requestHash, StepResult.newBuilder().addAllArtifacts(inputs).build().toByteArray())
            .update() == 1;
    }

    /** Fingerprint of the request that created the job, when it had one. */
    public Optional<String> requestHash(UUID id) {
        return jdbc.sql("SELECT request_hash FROM jobs WHERE id = ?").param(id).query(String.class).optional();
    }

    /** The job's inputs, named. */
    public List<Artifact> inputs(UUID id) {
        byte[] bytes = jdbc.sql("SELECT inputs FROM jobs WHERE id = ?").param(id).query(byte[].class).optional()
            .orElse(null);
        try {
            return bytes == null ? List.of() : StepResult.parseFrom(bytes).getArtifactsList();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Unreadable inputs in the jobs table", e);
        }
    }

    public Optional<JobRow> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE id = ?").param(id).query(this::row).optional();
    }

    public Optional<JobRow> findByRequest(String tenant, String requestId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE tenant = ? AND request_id = ?")
            .params(tenant, requestId).query(this::row).optional();
    }

    /**
     * Jobs newest first, optionally only those of {@code tenant}, in {@code state} or of
     * {@code pipeline} (null = any).
     */
    public List<JobRow> list(String tenant, JobState state, String pipeline, int limit, long offset) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE " + FILTER + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
            .params(tenant, tenant, state == null ? null : state.name(), state == null ? null : state.name(), pipeline,
                pipeline, limit, offset)
            .query(this::row).list();
    }

    /** How many jobs {@link #list} would return without paging. */
    public long count(String tenant, JobState state, String pipeline) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE " + FILTER)
            .params(tenant, tenant, state == null ? null : state.name(), state == null ? null : state.name(), pipeline,
                pipeline)
            .query(Long.class).single();
    }

    /** Reads and locks the job until the transaction ends, serialising its event handling. */
    public Optional<JobRow> lock(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE id = ? FOR UPDATE").param(id).query(this::row).optional();
    }

    /** Deletes the job with its step results (they cascade); its outbox records still go out. */
    public void delete(UUID id) {
        jdbc.sql("DELETE FROM jobs WHERE id = ?").param(id).update();
    }

    /** Locks up to {@code limit} unfinished jobs whose deadline is before {@code cutoff}. */
    public List<JobRow> lockExpired(Instant cutoff, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE status IN ('PENDING', 'RUNNING') AND deadline_at < ? "
                + "ORDER BY deadline_at LIMIT ? FOR UPDATE SKIP LOCKED")
            .params(ts(cutoff), limit).query(this::row).list();
    }

    public void markRunning(UUID id, Instant now) {
        jdbc.sql("UPDATE jobs SET status = 'RUNNING', updated_at = ? WHERE id = ? AND status = 'PENDING'")
            .params(ts(now), id).update();
    }

    /** Stores the job's final state and, when that commits, tells every gateway instance ({@link JobEndListener}). */
    public void finish(UUID id, JobState state, String errorCode, String errorMessage, Instant now) {
        jdbc.sql("UPDATE jobs SET status = ?, error_code = ?, error_message = ?, updated_at = ?, finished_at = ? WHERE id = ?")
            .params(state.name(), errorCode, errorMessage, ts(now), ts(now), id).update();
        jdbc.sql("SELECT pg_notify(?, ?)").params(JobEndListener.CHANNEL, id.toString()).query((rs, n) -> n).list();
    }

    private JobRow row(ResultSet rs, int n) throws SQLException {
        return new JobRow(
            rs.getObject("id", UUID.class),
            rs.getString("tenant"),
            rs.getString("request_id"),
            rs.getString("pipeline"),
            JobState.valueOf(rs.getString("status")),
            route(rs.getBytes("route")),
            strings(rs.getArray("leaf_ids")),
            json.readValue(rs.getString("params"), STRING_MAP),
            rs.getString("traceparent"),
            rs.getString("error_code"),
            rs.getString("error_message"),
            instant(rs, "created_at"),
            instant(rs, "updated_at"),
            instant(rs, "finished_at"),
            instant(rs, "deadline_at"));
    }

    private static RouteNode route(byte[] bytes) {
        try {
            return RouteNode.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Unreadable route in the jobs table", e);
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
