package io.neuropipe.runtime.trace;

import java.util.Set;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

/**
 * Turns off the framework observations on the Kafka path that start traces of their own: Spring
 * Integration's channel send (StreamBridge registers it; its span is a new root and it overwrites the
 * record's {@code traceparent} header with that root's context) and Spring Cloud Function's
 * invocation span (a new root per consumed record). NeuroPipe's step spans ({@link StepTracing})
 * stand in for both, in the job's trace.
 */
public final class KafkaPathObservations implements ObservationPredicate {

    static final Set<String> OFF = Set.of("spring.integration.producer", "spring.cloud.function");

    @Override
    public boolean test(String name, Observation.Context context) {
        return !OFF.contains(name);
    }
}
