package io.neuropipe.gateway.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.feed.FeedEvent;
import io.neuropipe.gateway.feed.JobFeed;
import io.neuropipe.gateway.job.JobCompletions;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobState;
import io.neuropipe.gateway.job.PartialOutputs;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * The OIP v2 generate extension (as Triton defines it): {@code POST /v2/models/{model}[/versions/{v}]/generate} takes
 * {@code {"text_input": ..., "parameters": {...}}} and answers {@code {"model_name", "model_version", "text_output",
 * "finish_reason", "id"}} (and {@code session_turn}, the turns a {@code session_id} conversation now holds) once the text is
 * complete; {@code .../generate_stream} answers Server-Sent Events, one
 * {@code data:} event per piece of text as the decoder produces it ({@code text_output} each; the last one, with
 * {@code finish_reason}, carries whatever was not streamed yet) or one {@code {"error": ...}} event. Both run a job of the
 * pipeline configured for the model, so the decoder is reached through Kafka with the job's deadline, tenancy and
 * provenance ({@code id} is the job's). Bad parameters, an empty or over-long prompt and a request past the model's
 * positions are 400 problem+json (before streaming starts; an over-long prompt is found by the decoder, so on
 * {@code generate_stream} it arrives as the error event).
 */
@RestController
@RequestMapping("/v2/models/{model}")
class GenerateController {

    private final GenerationJobs generations;
    private final JobCompletions completions;
    private final PartialOutputs partials;
    private final JobFeed feed;
    private final Executor executor;
    private final Duration grace;

    GenerateController(GenerationJobs generations, JobCompletions completions, PartialOutputs partials, JobFeed feed,
                       GatewayProperties properties, @Qualifier("applicationTaskExecutor") Executor executor) {
        this.generations = generations;
        this.completions = completions;
        this.partials = partials;
        this.feed = feed;
        this.executor = executor;
        this.grace = properties.deadlineGrace().plusSeconds(5);
    }

    @PostMapping(path = {"/generate", "/versions/{version}/generate"},
        consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    DeferredResult<ResponseEntity<Object>> generate(@PathVariable String model, @PathVariable(required = false) String version,
                                                    @RequestBody JsonNode body,
                                                    @RequestHeader(name = "traceparent", required = false) String traceparent,
                                                    @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        GenerationJobs.Started started = start(model, version, body, traceparent, caller);
        DeferredResult<ResponseEntity<Object>> result = new DeferredResult<>(untilDeadline(started));
        CompletableFuture<Void> finished = completions.register(started.id());
        Runnable answer = () -> {
            completions.unregister(started.id(), finished);
            result.setResult(answer(started));
        };
        result.onTimeout(answer);
        if (generations.job(started.id()).map(j -> j.state().terminal()).orElse(true)) {
            answer.run();
        } else {
            finished.thenRunAsync(answer, executor);
        }
        return result;
    }

    @PostMapping(path = {"/generate_stream", "/versions/{version}/generate_stream"},
        consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"}, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter generateStream(@PathVariable String model, @PathVariable(required = false) String version,
                              @RequestBody JsonNode body,
                              @RequestHeader(name = "traceparent", required = false) String traceparent,
                              @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        GenerationJobs.Started started = start(model, version, body, traceparent, caller);
        SseEmitter emitter = new SseEmitter(untilDeadline(started));
        try {
            // a comment commits the response, so the client has its 200 before the first piece of text
            emitter.send(SseEmitter.event().comment("job " + started.id()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Pieces pieces = new Pieces(started);
        JobEventStream stream = new JobEventStream(emitter, pieces::render, () -> snapshot(started), executor,
            s -> feed.unsubscribe(started.id(), s));
        feed.subscribe(started.id(), stream);
        stream.start();
        return emitter;
    }

    private GenerationJobs.Started start(String model, String version, JsonNode body, String traceparent, Caller caller) {
        GenerationJobs.Target target = generations.target(model, version);
        return generations.start(target, GenerateRequest.parse(body), caller, traceparent);
    }

    private long untilDeadline(GenerationJobs.Started started) {
        return Math.max(1, Duration.between(Instant.now(), started.deadline()).plus(grace).toMillis());
    }

    private ResponseEntity<Object> answer(GenerationJobs.Started started) {
        JobRow job = generations.job(started.id()).orElseThrow();
        ProblemDetail p;
        try {
            if (job.state() == JobState.DONE) {
                return ResponseEntity.ok(generations.answer(started, job));
            }
            p = generations.failure(job);
        } catch (GenerationJobs.Refused e) {
            p = e.problem();
        }
        return ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private List<FeedEvent> snapshot(GenerationJobs.Started started) {
        List<FeedEvent> events = new ArrayList<>();
        for (Map.Entry<String, SortedMap<Integer, String>> a : partials.chunks(started.id()).entrySet()) {
            a.getValue().forEach((index, text) -> events.add(new FeedEvent.Chunk(a.getKey(), index, text)));
        }
        if (generations.job(started.id()).map(j -> j.state().terminal()).orElse(true)) {
            events.add(new FeedEvent.Ended());
        }
        return events;
    }

    /** Renders one stream's events; remembers the text sent, so the last event carries only what is missing. */
    private final class Pieces {
        private final GenerationJobs.Started started;
        private final StringBuilder sent = new StringBuilder();

        Pieces(GenerationJobs.Started started) {
            this.started = started;
        }

        JobEventStream.Rendered render(FeedEvent event) {
            if (event instanceof FeedEvent.Chunk c) {
                sent.append(c.text());
                return new JobEventStream.Rendered(null, piece(c.text()));
            }
            if (!(event instanceof FeedEvent.Ended)) {
                return null;
            }
            JobRow job = generations.job(started.id()).orElseThrow();
            if (job.state() != JobState.DONE) {
                ProblemDetail p = generations.failure(job);
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("error", p.getDetail());
                error.put("status", p.getStatus());
                error.put("code", p.getProperties() == null ? "" : p.getProperties().getOrDefault("code", ""));
                error.put("id", job.id().toString());
                return new JobEventStream.Rendered(null, error);
            }
            Map<String, Object> last = generations.answer(started, job);
            String text = (String) last.get("text_output");
            last.put("text_output", text.startsWith(sent.toString()) ? text.substring(sent.length()) : "");
            return new JobEventStream.Rendered(null, last);
        }

        private Map<String, Object> piece(String text) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model_name", started.target().model());
            out.put("model_version", started.target().version());
            out.put("text_output", text);
            return out;
        }
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> refused(GenerationJobs.Refused e) {
        return ResponseEntity.status(e.problem().getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(e.problem());
    }
}
