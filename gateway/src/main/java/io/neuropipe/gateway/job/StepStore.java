package io.neuropipe.gateway.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.StepResult;
import io.neuropipe.proto.v1.StepTiming;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** The {@code step_results} table: one row per job and route node. */
@Repository
public class StepStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };
    private static final String INSERT = "INSERT INTO step_results (job_id, step_id, step, status, service, queue_ms, "
        + "preprocess_us, inference_us, postprocess_us, total_us, provenance, artifacts, error_code, error_message, "
        + "emitted_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public StepStore(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores a result event; false when the node had already reported (a duplicate delivery). */
    public boolean insertResult(UUID job, JobEvent e, Instant now) {
        StepResult result = e.getResult();
        byte[] artifacts = StepResult.newBuilder().addAllArtifacts(result.getArtifactsList()).build().toByteArray();
        return insert(job, e, "DONE", json.writeValueAsString(result.getProvenanceMap()), artifacts, null, null, now);
    }

    /** Stores a failure event; false when the node had already reported. */
    public boolean insertFailure(UUID job, JobEvent e, Instant now) {
        return insert(job, e, "FAILED", "{}", null, e.getFailure().getCode().name(), e.getFailure().getMessage(), now);
    }

    private boolean insert(UUID job, JobEvent e, String status, String provenance, byte[] artifacts, String code,
                           String message, Instant now) {
        StepTiming t = e.getTiming();
        boolean timed = e.hasTiming();
        return jdbc.sql(INSERT)
            .params(job, e.getStepId(), e.getStep(), status, blankToNull(e.getService()),
                timed ? t.getQueueMs() : null, timed ? t.getPreprocessUs() : null, timed ? t.getInferenceUs() : null,
                timed ? t.getPostprocessUs() : null, timed ? t.getTotalUs() : null, provenance, artifacts, code, message,
                e.getEmittedEpochMs() > 0 ? JobStore.ts(Instant.ofEpochMilli(e.getEmittedEpochMs())) : null,
                JobStore.ts(now))
            .update() == 1;
    }

    /** How many of {@code leafIds} reported a result. */
    public int countDone(UUID job, List<String> leafIds) {
        return jdbc.sql("SELECT count(*) FROM step_results WHERE job_id = ? AND status = 'DONE' AND step_id = ANY(?)")
            .params(job, leafIds.toArray(String[]::new)).query(Integer.class).single();
    }

    public List<StepRow> steps(UUID job) {
        return jdbc.sql("SELECT step_id, step, status, service, queue_ms, preprocess_us, inference_us, postprocess_us, "
                + "total_us, provenance::text AS provenance, artifacts, error_code, error_message, emitted_at, received_at "
                + "FROM step_results WHERE job_id = ? ORDER BY received_at, step_id")
            .param(job).query(this::row).list();
    }

    private StepRow row(ResultSet rs, int n) throws SQLException {
        StepTiming.Builder timing = StepTiming.newBuilder();
        timing.setQueueMs(rs.getLong("queue_ms"));
        timing.setPreprocessUs(rs.getLong("preprocess_us"));
        timing.setInferenceUs(rs.getLong("inference_us"));
        timing.setPostprocessUs(rs.getLong("postprocess_us"));
        timing.setTotalUs(rs.getLong("total_us"));
        return new StepRow(
            rs.getString("step_id"),
            rs.getString("step"),
            rs.getString("status"),
            rs.getString("service"),
            timing.build(),
            json.readValue(rs.getString("provenance"), STRING_MAP),
            artifacts(rs.getBytes("artifacts")),
            rs.getString("error_code"),
            rs.getString("error_message"),
            JobStore.instant(rs, "emitted_at"),
            JobStore.instant(rs, "received_at"));
    }

    private static List<io.neuropipe.proto.v1.Artifact> artifacts(byte[] bytes) {
        if (bytes == null) {
            return List.of();
        }
        try {
            return StepResult.parseFrom(bytes).getArtifactsList();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Unreadable artifacts in step_results", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
