package io.neuropipe.gateway.api;

import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.auth.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Executor;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.feed.FeedEvent;
import io.neuropipe.gateway.feed.JobFeed;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.PartialOutputs;
import io.neuropipe.gateway.job.Routes;
import io.neuropipe.gateway.job.StepRow;
import io.neuropipe.gateway.job.StepStore;
import io.neuropipe.proto.v1.RouteNode;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v1/jobs/{id}/events}: Server-Sent Events of a job. Events: {@code step} (a route
 * node STARTED, DONE or FAILED, with timing and provenance once done), {@code chunk} (streamed
 * text {@code {artifact, index, text}}), and last {@code job} (the final job, as
 * {@code GET /v1/jobs/{id}} shows it), after which the stream ends. A client connecting late first
 * gets what happened so far; each event's {@code id} names what it reports, so none repeats.
 */
@RestController
class JobEventsController {

    private final JobLookup lookup;
    private final JobStore jobs;
    private final StepStore steps;
    private final PartialOutputs partials;
    private final JobFeed feed;
    private final Executor executor;
    private final long timeoutMs;

    JobEventsController(JobLookup lookup, JobStore jobs, StepStore steps, PartialOutputs partials, JobFeed feed,
                        GatewayProperties properties, @Qualifier("applicationTaskExecutor") Executor executor) {
        this.lookup = lookup;
        this.jobs = jobs;
        this.steps = steps;
        this.partials = partials;
        this.feed = feed;
        this.executor = executor;
        this.timeoutMs = properties.maxTimeout().plus(properties.deadlineGrace()).plusSeconds(30).toMillis();
    }

    @GetMapping(path = "/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        JobRow job = lookup.require(id, caller);
        SseEmitter emitter = new SseEmitter(timeoutMs);
        JobEventStream stream = new JobEventStream(emitter, e -> render(job, e),
            () -> jobs.find(job.id()).map(this::snapshot).orElse(List.of()), executor,
            s -> feed.unsubscribe(job.id(), s));
        feed.subscribe(job.id(), stream);
        stream.start();
        return emitter;
    }

    private List<FeedEvent> snapshot(JobRow job) {
        Map<String, StepRow> rows = new HashMap<>();
        steps.steps(job.id()).forEach(r -> rows.put(r.stepId(), r));
        List<FeedEvent> events = new ArrayList<>();
        walk(job.route(), rows, events);
        for (Map.Entry<String, SortedMap<Integer, String>> a : partials.chunks(job.id()).entrySet()) {
            a.getValue().forEach((index, text) -> events.add(new FeedEvent.Chunk(a.getKey(), index, text)));
        }
        if (job.state().terminal()) {
            events.add(new FeedEvent.Ended());
        }
        return events;
    }

    private static void walk(RouteNode node, Map<String, StepRow> rows, List<FeedEvent> out) {
        out.add(new FeedEvent.StepChanged(node.getId(), node.getStep(), "STARTED"));
        StepRow row = rows.get(node.getId());
        if (row != null) {
            out.add(new FeedEvent.StepChanged(node.getId(), node.getStep(), row.status()));
            if ("DONE".equals(row.status())) {
                node.getNextList().forEach(n -> walk(n, rows, out));
            }
        }
    }

    private JobEventStream.Rendered render(JobRow job, FeedEvent event) {
        if (event instanceof FeedEvent.Chunk c) {
            return new JobEventStream.Rendered("chunk", c);
        }
        if (event instanceof FeedEvent.StepChanged s) {
            if ("STARTED".equals(s.status())) {
                return new JobEventStream.Rendered("step", JobViews.started(Routes.find(job.route(), s.stepId())
                    .orElse(RouteNode.newBuilder().setId(s.stepId()).setStep(s.step()).build())));
            }
            return new JobEventStream.Rendered("step", steps.steps(job.id()).stream()
                .filter(r -> r.stepId().equals(s.stepId())).findFirst().map(JobViews::step)
                .orElseThrow(() -> new IllegalStateException("No stored outcome of step " + s.stepId())));
        }
        return new JobEventStream.Rendered("job", lookup.view(jobs.find(job.id()).orElse(job)));
    }
}
