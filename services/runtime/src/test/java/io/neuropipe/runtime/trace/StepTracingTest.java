package io.neuropipe.runtime.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.MessageHeaders;

/** Step spans on a real OpenTelemetry SDK: parents, attributes, status, and the context sent on. */
class StepTracingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String ENVELOPE_PARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
    private static final String HEADER_PARENT = "00-" + TRACE + "-b7ad6b7169203331-01";

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
    private final StepTracing tracing = new StepTracing(new Tracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build()));

    @AfterEach
    void close() {
        provider.close();
    }

    private static StepEnvelope envelope() {
        return StepEnvelope.newBuilder().setJobId("job-1").setPipeline("eeg-to-image").setCurrentStepId("gen")
            .setTraceparent(ENVELOPE_PARENT).build();
    }

    private static MessageHeaders headers(String traceparent) {
        return new MessageHeaders(traceparent == null ? Map.of()
            : Map.of(StepTracing.TRACEPARENT_HEADER, traceparent.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theStepSpanIsAChildOfTheEnvelopeAndCarriesTheJob() {
        StepSpan span = tracing.start("generate", envelope(), headers(null));
        tracing.output(Map.of("generate.encoder", "unet-encoder/1", "generate.decoder", "unet-decoder/1", "generate.seed", "3"));
        tracing.outcome("success");
        span.end();

        SpanData data = exported.getFinishedSpanItems().get(0);
        assertThat(data.getName()).isEqualTo("step generate");
        assertThat(data.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(data.getTraceId()).isEqualTo(TRACE);
        assertThat(data.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(data.getParentSpanContext().isRemote()).isTrue();
        assertThat(data.getAttributes().get(StepTracing.JOB_ID)).isEqualTo("job-1");
        assertThat(data.getAttributes().get(StepTracing.PIPELINE)).isEqualTo("eeg-to-image");
        assertThat(data.getAttributes().get(StepTracing.STEP_ID)).isEqualTo("gen");
        assertThat(data.getAttributes().get(StepTracing.MODEL)).isEqualTo("unet-decoder/1,unet-encoder/1");
        assertThat(data.getAttributes().get(StepTracing.OUTCOME)).isEqualTo("success");
        assertThat(span.context().traceparent()).isEqualTo("00-" + TRACE + "-" + data.getSpanId() + "-01");
    }

    @Test
    void aHeaderInTheJobsTraceIsTheParentAndAForeignOneIsIgnored() {
        tracing.start("encode", envelope(), headers(HEADER_PARENT)).end();
        tracing.start("encode", envelope(), headers("00-" + "1".repeat(32) + "-b7ad6b7169203331-01")).end();
        tracing.start("encode", envelope(), headers("not a traceparent")).end();

        List<SpanData> spans = exported.getFinishedSpanItems();
        assertThat(spans).extracting(SpanData::getTraceId).containsOnly(TRACE);
        assertThat(spans).extracting(SpanData::getParentSpanId)
            .containsExactly("b7ad6b7169203331", "00f067aa0ba902b7", "00f067aa0ba902b7");
    }

    @Test
    void aFailureMarksTheSpanAsAnError() {
        StepSpan span = tracing.start("encode", envelope(), headers(null));
        tracing.failure(ErrorCode.SHAPE_MISMATCH, "EEG has 62 channels");
        span.end();

        SpanData data = exported.getFinishedSpanItems().get(0);
        assertThat(data.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(data.getStatus().getDescription()).isEqualTo("EEG has 62 channels");
        assertThat(data.getAttributes().get(StepTracing.ERROR_CODE)).isEqualTo("SHAPE_MISMATCH");
    }

    @Test
    void withTracingOffTheTraceIsStillContinuedByHand() {
        StepSpan span = new StepTracing(new Tracing(OpenTelemetry.noop())).start("encode", envelope(), headers(null));
        span.end();

        assertThat(span.context().traceId()).isEqualTo(TRACE);
        assertThat(span.context().spanId()).hasSize(16).isNotEqualTo("00f067aa0ba902b7");
        assertThat(exported.getFinishedSpanItems()).isEmpty();
    }
}
