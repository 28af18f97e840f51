package io.neuropipe.runtime.trace;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import org.springframework.messaging.MessageHeaders;

/**
 * Spans around step executions: one CONSUMER span per envelope, a child of the record's
 * {@code traceparent} header (the producer's span) when it is in the envelope's trace, else of the
 * envelope's {@code traceparent}, with the job, pipeline,
 * step and models as attributes. Everything the step sends on carries this span's context.
 */
public final class StepTracing {

    public static final String TRACEPARENT_HEADER = "traceparent";
    public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("neuropipe.job.id");
    public static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("neuropipe.pipeline");
    public static final AttributeKey<String> STEP = AttributeKey.stringKey("neuropipe.step");
    public static final AttributeKey<String> STEP_ID = AttributeKey.stringKey("neuropipe.step.id");
    public static final AttributeKey<String> MODEL = AttributeKey.stringKey("neuropipe.model");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("neuropipe.step.outcome");
    public static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("neuropipe.error.code");

    private final Tracing tracing;

    public StepTracing(Tracing tracing) {
        this.tracing = tracing;
    }

    /** Starts the step's span and makes it current; the caller ends it with {@link StepSpan#end()}. */
    public StepSpan start(String step, StepEnvelope envelope, MessageHeaders headers) {
        String parent = parent(header(headers), envelope.getTraceparent());
        Span span = tracing.start("step " + step, SpanKind.CONSUMER, parent)
            .setAttribute(JOB_ID, envelope.getJobId())
            .setAttribute(PIPELINE, envelope.getPipeline())
            .setAttribute(STEP, step)
            .setAttribute(STEP_ID, envelope.getCurrentStepId())
            .setAttribute("messaging.system", "kafka");
        return new StepSpan(span, span.makeCurrent(), TraceContext.parseOrNew(Tracing.traceparent(span, parent)));
    }

    /** Adds the models named in a step's provenance ({@code <step>.model}, {@code .encoder}, {@code .decoder}). */
    public void output(Map<String, String> provenance) {
        TreeSet<String> models = new TreeSet<>();
        provenance.forEach((key, value) -> {
            if (key.endsWith(".model") || key.endsWith(".encoder") || key.endsWith(".decoder")) {
                models.add(value);
            }
        });
        if (!models.isEmpty()) {
            Span.current().setAttribute(MODEL, String.join(",", models));
        }
    }

    public void outcome(String outcome) {
        Span.current().setAttribute(OUTCOME, outcome);
    }

    public void failure(ErrorCode code, String message) {
        Span.current().setAttribute(ERROR_CODE, code.name()).setStatus(StatusCode.ERROR, message == null ? code.name() : message);
    }

    /**
     * The record header when it is a valid traceparent in the envelope's trace (the producer's span,
     * e.g. the gateway's outbox publish span), else the envelope's: the job's trace id always wins,
     * whatever other instrumentation wrote into the header.
     */
    static String parent(String header, String envelope) {
        if (header == null) {
            return envelope;
        }
        TraceContext fromHeader = TraceContext.parseOrNew(header);
        boolean valid = fromHeader.traceparent().equals(header.trim());
        boolean sameTrace = envelope == null || envelope.isBlank()
            || fromHeader.traceId().equals(TraceContext.parseOrNew(envelope).traceId());
        return valid && sameTrace ? header.trim() : envelope;
    }

    private static String header(MessageHeaders headers) {
        Object value = headers.get(TRACEPARENT_HEADER);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }
}
