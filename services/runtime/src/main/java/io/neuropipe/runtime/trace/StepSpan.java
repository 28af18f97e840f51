package io.neuropipe.runtime.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;

/**
 * The span of one step execution, current on the consuming thread until {@link #end()}.
 *
 * @param span    the OpenTelemetry span (non-recording when tracing is off)
 * @param context the trace context to send on with the step's outputs: this span's own
 */
public record StepSpan(Span span, Scope scope, TraceContext context) {

    public void end() {
        scope.close();
        span.end();
    }
}
