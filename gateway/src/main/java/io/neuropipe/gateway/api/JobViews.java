package io.neuropipe.gateway.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.StepRow;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepTiming;

/** JSON views of jobs. */
final class JobViews {

    /** Answer to {@code POST /v1/jobs}. */
    record Accepted(String id, String status, Map<String, String> links) {
    }

    /**
     * A job's state, steps and results; {@code durationMs} from creation to the final state,
     * {@code models} every model its steps ran (from their provenance).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Job(String id, String pipeline, String tenant, String status, Error error, Instant created, Instant updated,
               Instant finished, Instant deadline, Long durationMs, List<Step> steps, List<ProvenanceView.Model> models,
               Map<String, Object> results, Map<String, String> partial, Map<String, String> links) {
    }

    /** Why a job failed. */
    record Error(String code, String message) {
    }

    /** One route node of a job; status PENDING until its service reports. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Step(String id, String step, String status, String service, Timing timing, ProvenanceView provenance,
                Error error, Instant finished) {
    }

    /** Time spent in a step, as its service measured it. */
    record Timing(long queueMs, long preprocessUs, long inferenceUs, long postprocessUs, long totalUs) {

        static Timing of(StepTiming t) {
            return new Timing(t.getQueueMs(), t.getPreprocessUs(), t.getInferenceUs(), t.getPostprocessUs(),
                t.getTotalUs());
        }
    }

    private JobViews() {
    }

    static Map<String, String> links(String id) {
        return Map.of("self", "/v1/jobs/" + id);
    }

    /**
     * @param partial text streamed so far by running steps, by artifact name (shown while the job runs)
     */
    static Job of(JobRow job, List<StepRow> rows, Map<String, String> partial) {
        Map<String, StepRow> byId = new LinkedHashMap<>();
        rows.forEach(r -> byId.put(r.stepId(), r));
        List<Step> steps = new ArrayList<>();
        Map<String, StepRow> unrouted = new LinkedHashMap<>(byId);
        collect(job.route(), unrouted, steps);
        unrouted.values().forEach(r -> steps.add(step(r)));
        Map<String, Object> results = new LinkedHashMap<>();
        for (String leaf : job.leafIds()) {
            StepRow r = byId.get(leaf);
            if (r != null && "DONE".equals(r.status())) {
                for (Artifact a : r.artifacts()) {
                    String key = results.containsKey(a.getName()) ? leaf + "/" + a.getName() : a.getName();
                    results.put(key, ArtifactJson.view(a));
                }
            }
        }
        Error error = job.errorCode() == null ? null : new Error(job.errorCode(), job.errorMessage());
        String id = job.id().toString();
        List<ProvenanceView.Model> models = steps.stream().filter(st -> st.provenance() != null)
            .flatMap(st -> st.provenance().models().stream()).distinct().toList();
        Long duration = job.finished() == null ? null : Duration.between(job.created(), job.finished()).toMillis();
        return new Job(id, job.pipeline(), job.tenant(), job.state().name(), error, job.created(), job.updated(),
            job.finished(), job.deadline(), duration, steps, models.isEmpty() ? null : models, results,
            job.state().terminal() || partial.isEmpty() ? null : partial, links(id));
    }

    private static void collect(RouteNode node, Map<String, StepRow> byId, List<Step> out) {
        StepRow r = byId.remove(node.getId());
        out.add(r == null ? new Step(node.getId(), node.getStep(), "PENDING", null, null, null, null, null) : step(r));
        node.getNextList().forEach(n -> collect(n, byId, out));
    }

    /** A node whose envelope was sent to its service, no outcome yet. */
    static Step started(RouteNode node) {
        return new Step(node.getId(), node.getStep(), "STARTED", null, null, null, null, null);
    }

    static Step step(StepRow r) {
        Error error = r.errorCode() == null ? null : new Error(r.errorCode(), r.errorMessage());
        return new Step(r.stepId(), r.step(), r.status(), r.service(), Timing.of(r.timing()),
            ProvenanceView.of(r.step(), r.provenance()), error,
            r.emitted() != null ? r.emitted() : r.received());
    }
}
