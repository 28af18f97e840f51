package io.neuropipe.gateway.relay;

import java.util.HashMap;
import java.util.Map;

import io.neuropipe.runtime.trace.StepTracing;
import io.neuropipe.runtime.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import org.springframework.stereotype.Component;

/**
 * A PRODUCER span per outbox record that carries a {@code traceparent} header: a child of the job's
 * trace context, and the record leaves with the span's own context in that header, so the consuming
 * step's span is the publish span's child.
 */
@Component
public class OutboxTracing {

    private final Tracing tracing;

    public OutboxTracing(Tracing tracing) {
        this.tracing = tracing;
    }

    /** The record to send and its span; records without a trace context are sent as they are. */
    Publish start(OutboxMessage m) {
        String parent = m.headers().get(StepTracing.TRACEPARENT_HEADER);
        if (parent == null) {
            return new Publish(m, Span.getInvalid());
        }
        Span span = tracing.start("publish " + m.topic(), SpanKind.PRODUCER, parent)
            .setAttribute(StepTracing.JOB_ID, m.key())
            .setAttribute("messaging.system", "kafka")
            .setAttribute("messaging.destination.name", m.topic());
        Map<String, String> headers = new HashMap<>(m.headers());
        headers.put(StepTracing.TRACEPARENT_HEADER, Tracing.traceparent(span, parent));
        return new Publish(new OutboxMessage(m.topic(), m.key(), m.payload(), headers), span);
    }

    /** An outbox record on its way to Kafka; {@link #end} once the broker acknowledged it or failed. */
    record Publish(OutboxMessage message, Span span) {

        void end(Throwable failure) {
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            }
            span.end();
        }
    }
}
