package io.neuropipe.gateway.job;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/** Job counters and end-to-end latency, tagged by pipeline and outcome. */
@Component
public class JobMetrics {

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
        Timer.builder("neuropipe.gateway.jobs.duration")
            .description("Time from a job's creation to its final state")
            .tags("pipeline", job.pipeline(), "status", state.name())
            .publishPercentileHistogram()
            .register(registry).record(Duration.between(job.created(), at));
    }
}
