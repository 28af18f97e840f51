package io.neuropipe.runtime.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Starts OpenTelemetry spans whose parent is a W3C {@code traceparent} carried by a Kafka record or
 * an envelope, and turns a span back into the {@code traceparent} to send on. With tracing off (a
 * no-op SDK) spans do not record and the trace is still continued by hand, as {@link TraceContext}.
 */
public final class Tracing {

    static final String INSTRUMENTATION = "io.neuropipe";

    private final Tracer tracer;

    public Tracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    }

    /**
     * A started span, a child of {@code parentTraceparent} when that is valid, else of the current
     * span (if any). The caller ends it.
     */
    public Span start(String name, SpanKind kind, String parentTraceparent) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent(parentTraceparent)).startSpan();
    }

    /**
     * The {@code traceparent} that continues the trace in {@code span}; when the span does not
     * record (tracing off, or not sampled), a new span id in the trace of {@code parentTraceparent}.
     */
    public static String traceparent(Span span, String parentTraceparent) {
        SpanContext c = span.getSpanContext();
        // a no-op tracer hands back the parent's own context: continue by hand with a new span id
        if (!c.isValid() || !span.isRecording()) {
            return TraceContext.parseOrNew(parentTraceparent).child().traceparent();
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** The current span's {@code traceparent}, or null when no valid span is current. */
    public static String currentTraceparent() {
        Span span = Span.current();
        return span.getSpanContext().isValid() && span.isRecording() ? traceparent(span, null) : null;
    }

    static Context parent(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.current();
        }
        TraceContext t = TraceContext.parseOrNew(traceparent);
        if (!t.traceparent().equals(traceparent.trim())) {
            return Context.current();
        }
        SpanContext remote = SpanContext.createFromRemoteParent(t.traceId(), t.spanId(),
            TraceFlags.fromHex(t.flags(), 0), TraceState.getDefault());
        return Context.root().with(Span.wrap(remote));
    }
}
