package io.neuropipe.gateway.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.neuropipe.gateway.feed.FeedEvent;
import io.neuropipe.gateway.feed.JobFeed;
import io.neuropipe.gateway.job.JobCompletions;
import io.neuropipe.gateway.job.JobMetrics;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobState;
import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.job.PartialOutputs;
import io.neuropipe.gateway.job.Routes;
import io.neuropipe.gateway.job.StatusEvents;
import io.neuropipe.gateway.job.StepRow;
import io.neuropipe.gateway.job.StepStore;
import io.neuropipe.gateway.relay.Outbox;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies the services' job events to the job store: each route node's outcome is stored once
 * (a redelivered event changes nothing), the first result makes the job RUNNING, the last leaf's
 * result makes it DONE, a failure makes it FAILED; the final state goes to the results topic.
 * Streamed chunks are kept in memory ({@link PartialOutputs}), not in the database.
 */
@Service
public class JobEventHandler {

    private static final Logger log = LoggerFactory.getLogger(JobEventHandler.class);

    private final JobStore jobs;
    private final StepStore steps;
    private final Outbox outbox;
    private final StatusEvents statusEvents;
    private final JobMetrics metrics;
    private final JobCompletions completions;
    private final PartialOutputs partials;
    private final JobFeed feed;

    public JobEventHandler(JobStore jobs, StepStore steps, Outbox outbox, StatusEvents statusEvents, JobMetrics metrics,
                           JobCompletions completions, PartialOutputs partials, JobFeed feed) {
        this.feed = feed;
        this.completions = completions;
        this.partials = partials;
        this.jobs = jobs;
        this.steps = steps;
        this.outbox = outbox;
        this.statusEvents = statusEvents;
        this.metrics = metrics;
    }

    @Transactional
    public void handle(JobEvent event) {
        UUID id = parseId(event.getJobId());
        JobRow job = id == null ? null : jobs.lock(id).orElse(null);
        if (job == null) {
            log.warn("Ignoring a {} event for unknown job '{}' (step '{}')", event.getKindCase(), event.getJobId(),
                event.getStepId());
            return;
        }
        Instant now = Instant.now();
        switch (event.getKindCase()) {
            case RESULT -> onResult(job, event, now);
            case FAILURE -> onFailure(job, event, now);
            case PARTIAL -> partials.add(job.id(), event.getPartial().getArtifact(), event.getPartial().getIndex(),
                event.getPartial().getText());
            case STATUS -> { }
            default -> log.warn("Ignoring an event without a kind for job {}", id);
        }
    }

    private void onResult(JobRow job, JobEvent event, Instant now) {
        if (!steps.insertResult(job.id(), event, now)) {
            return;
        }
        List<FeedEvent> changes = new ArrayList<>();
        changes.add(new FeedEvent.StepChanged(event.getStepId(), event.getStep(), "DONE"));
        Routes.find(job.route(), event.getStepId()).ifPresent(node -> node.getNextList().forEach(
            next -> changes.add(new FeedEvent.StepChanged(next.getId(), next.getStep(), "STARTED"))));
        feed.publishOnCommit(job.id(), changes);
        if (job.state().terminal()) {
            return;
        }
        if (steps.countDone(job.id(), job.leafIds()) == job.leafIds().size()) {
            jobs.finish(job.id(), JobState.DONE, null, null, now);
            outbox.append(statusEvents.of(job, JobState.DONE, "", leafArtifacts(job)));
            metrics.finished(job, JobState.DONE, now);
            completions.finishedOnCommit(job.id());
            partials.forget(job.id());
        } else {
            jobs.markRunning(job.id(), now);
        }
    }

    private void onFailure(JobRow job, JobEvent event, Instant now) {
        if (!steps.insertFailure(job.id(), event, now)) {
            return;
        }
        feed.publishOnCommit(job.id(), List.of(new FeedEvent.StepChanged(event.getStepId(), event.getStep(), "FAILED")));
        if (job.state().terminal()) {
            return;
        }
        String code = event.getFailure().getCode().name();
        String message = event.getFailure().getMessage();
        // a service that saw the cancel before the gateway's own state changed (a Kafka-side cancel)
        JobState state = event.getFailure().getCode() == ErrorCode.CANCELLED ? JobState.CANCELLED : JobState.FAILED;
        jobs.finish(job.id(), state, code, message, now);
        outbox.append(statusEvents.of(job, state, code + ": " + message, List.of()));
        metrics.finished(job, state, now);
        completions.finishedOnCommit(job.id());
        partials.forget(job.id());
    }

    private List<Artifact> leafArtifacts(JobRow job) {
        List<Artifact> out = new ArrayList<>();
        for (StepRow step : steps.steps(job.id())) {
            if (job.leafIds().contains(step.stepId()) && "DONE".equals(step.status())) {
                for (Artifact a : step.artifacts()) {
                    out.add(a.getProducerStep().isEmpty() ? a.toBuilder().setProducerStep(step.stepId()).build() : a);
                }
            }
        }
        return out;
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
