package io.neuropipe.gateway.job;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neuropipe.runtime.trace.JobMdc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Job counters and end-to-end latency, tagged by pipeline and outcome; a log line per finished job. */
@Component
public class JobMetrics {

    private static final Logger log = LoggerFactory.getLogger(JobMetrics.class);

    private final MeterRegistry registry;

    public JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A job created, or (accepted = false) a Kafka request recorded as rejected. */
    public void created(String pipeline, boolean accepted) {
        Counter.builder("neuropipe.gateway.jobs.created")
            .description("Jobs created by pipeline; accepted=false for Kafka requests stored as FAILED")
            .tags("pipeline", pipeline, "accepted", Boolean.toString(accepted))
            .register(registry).increment();
    }

    public void finished(JobRow job, JobState state, Instant at) {
        Duration took = Duration.between(job.created(), at);
        Timer.builder("neuropipe.gateway.jobs.duration")
            .description("Time from a job's creation to its final state")
            .tags("pipeline", job.pipeline(), "status", state.name())
            .publishPercentileHistogram()
            .register(registry).record(took);
        try (JobMdc mdc = JobMdc.put(job.id().toString(), job.traceparent())) {
            log.info("Job {} ({}) {} after {} ms", job.id(), job.pipeline(), state, took.toMillis());
        }
    }
}
