package io.neuropipe.gateway.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.config.GenerationProperties;
import io.neuropipe.gateway.job.GenerationParams;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobService;
import io.neuropipe.gateway.job.JobState;
import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.job.JobSubmission;
import io.neuropipe.gateway.job.StepRow;
import io.neuropipe.gateway.job.StepStore;
import io.neuropipe.gateway.pipeline.ModelCards;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.model.ModelCard;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * The jobs behind the OIP v2 generate extension: a generate call becomes a job of the pipeline configured for the model
 * ({@code neuropipe.gateway.generation.models}), which reaches the decoder through Kafka like any other job; its end is
 * read back as a generate answer or a problem.
 */
@Component
class GenerationJobs {

    /** The model a generate call names, as served: its pipeline and the version answers report. */
    record Target(String model, String version, String pipeline) {
    }

    /** A started generation job. */
    record Started(Target target, UUID id, Instant deadline) {
    }

    /** A generate call the gateway answers with {@code problem} (model unknown, job failed or unfinished). */
    static final class Refused extends RuntimeException {
        private final transient ProblemDetail problem;

        Refused(ProblemDetail problem) {
            super(problem.getDetail());
            this.problem = problem;
        }

        ProblemDetail problem() {
            return problem;
        }
    }

    private final GenerationProperties properties;
    private final GenerationParams params;
    private final ModelCards cards;
    private final JobService jobs;
    private final JobStore store;
    private final StepStore steps;

    GenerationJobs(GenerationProperties properties, GenerationParams params, ModelCards cards, JobService jobs, JobStore store,
                   StepStore steps) {
        this.properties = properties;
        this.params = params;
        this.cards = cards;
        this.jobs = jobs;
        this.store = store;
        this.steps = steps;
    }

    /** The served model {@code model} (and {@code version}, when given); refused as 404 otherwise. */
    Target target(String model, String version) {
        String pipeline = properties.models().get(model);
        if (pipeline == null) {
            throw new Refused(problem(HttpStatus.NOT_FOUND, Problems.MODEL_NOT_FOUND, "Model not found", "No generation "
                + "model '" + model + "'; models that generate: " + properties.models().keySet()));
        }
        String served = cards.newest(model).map(ModelCard::version).map(String::valueOf).orElse("");
        if (version != null && !version.equals(served)) {
            throw new Refused(problem(HttpStatus.NOT_FOUND, Problems.MODEL_NOT_FOUND, "Model version not found", "Model '"
                + model + "' generates with version " + (served.isEmpty() ? "(unknown)" : served) + ", not " + version));
        }
        return new Target(model, served, pipeline);
    }

    /** Checks the request and starts its job; invalid ones throw before any job exists. */
    Started start(Target target, GenerateRequest request, Caller caller, String traceparent) {
        params.validate(request.parameters(), target.model(), "parameters.");
        Map<String, Artifact> inputs = Map.of(properties.promptInput(), Artifact.newBuilder().setText(request.textInput()).build());
        UUID id = jobs.submit(new JobSubmission(caller.tenant(), null, target.pipeline(), inputs, request.parameters(), 0,
            traceparent)).id();
        JobRow job = store.find(id).orElseThrow(() -> new IllegalStateException("Job " + id + " vanished after its start"));
        return new Started(target, id, job.deadline());
    }

    Optional<JobRow> job(UUID id) {
        return store.find(id);
    }

    /** The generate answer of a job that ended DONE: {@code model_name}, {@code model_version}, {@code text_output}. */
    Map<String, Object> answer(Started started, JobRow job) {
        Artifact text = text(job);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model_name", started.target().model());
        out.put("model_version", started.target().version());
        out.put("text_output", text.getText());
        out.put("finish_reason", text.getMetadataOrDefault("finish_reason", ""));
        out.put("id", job.id().toString());
        if (text.containsMetadata("session_turn")) {
            out.put("session_turn", Integer.parseInt(text.getMetadataOrThrow("session_turn")));
        }
        return out;
    }

    /**
     * The problem a job that did not end DONE stands for: 400 for bad input, 404 for a named thing the step does not hold
     * (a conversation session), 504 past its deadline, 409 cancelled.
     */
    ProblemDetail failure(JobRow job) {
        if (!job.state().terminal()) {
            return withJob(problem(HttpStatus.GATEWAY_TIMEOUT, Problems.GENERATION_FAILED, "Generation unfinished",
                "The generation did not end by its deadline " + job.deadline()), job);
        }
        String code = job.errorCode() == null ? "" : job.errorCode();
        String detail = job.errorMessage() == null ? code : job.errorMessage();
        ProblemDetail p = switch (code) {
            case "INVALID_INPUT", "SHAPE_MISMATCH" ->
                problem(HttpStatus.BAD_REQUEST, Problems.INVALID_INPUT, "Invalid input", detail);
            case "NOT_FOUND" -> problem(HttpStatus.NOT_FOUND, Problems.GENERATION_FAILED, "Not found", detail);
            case "DEADLINE_EXCEEDED" -> problem(HttpStatus.GATEWAY_TIMEOUT, Problems.GENERATION_FAILED, "Deadline exceeded", detail);
            case "CANCELLED" -> problem(HttpStatus.CONFLICT, Problems.GENERATION_FAILED, "Generation cancelled", detail);
            default -> problem(HttpStatus.BAD_GATEWAY, Problems.GENERATION_FAILED, "Generation failed", detail);
        };
        p.setProperty("code", code);
        return withJob(p, job);
    }

    private Artifact text(JobRow job) {
        for (StepRow row : steps.steps(job.id())) {
            if (job.leafIds().contains(row.stepId())) {
                for (Artifact a : row.artifacts()) {
                    if (a.hasText()) {
                        return a;
                    }
                }
            }
        }
        throw new Refused(withJob(problem(HttpStatus.BAD_GATEWAY, Problems.GENERATION_FAILED, "No text",
            "Pipeline '" + job.pipeline() + "' ended without a text result"), job));
    }

    private static ProblemDetail withJob(ProblemDetail p, JobRow job) {
        p.setProperty("job", job.id().toString());
        return p;
    }

    static ProblemDetail problem(HttpStatus status, java.net.URI type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(type);
        p.setTitle(title);
        p.setProperty("error", detail);
        return p;
    }
}
