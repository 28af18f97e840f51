package io.neuropipe.runtime.step;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.PartialOutput;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.StepFailure;
import io.neuropipe.proto.v1.StepResult;
import io.neuropipe.proto.v1.StepTiming;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.cancel.CancellationRegistry;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.config.StepProperties;
import io.neuropipe.runtime.trace.StepSpan;
import io.neuropipe.runtime.trace.StepTracing;
import io.neuropipe.runtime.trace.TraceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Turns a {@link StepHandler} into the Spring Cloud Stream consumer of its step topic. Around the
 * handler it checks the route and the deadline, forwards one envelope per child of the route node
 * (fan-out), publishes the step's result, partial outputs or failure as {@link JobEvent}s, records
 * timings, and continues the W3C trace. Envelopes of cancelled jobs are skipped and a step that
 * sees its job cancelled midway ends it, both with a CANCELLED outcome; artifacts above the inline
 * limit leave by claim check ({@link ClaimCheck}); while the blob store is unreachable the record
 * is retried in place ({@link BlobOutageWait}). Permanent failures fail the job at once and are rethrown
 * so the binder moves the record to the DLQ; transient ones are retried by the binder and fail the
 * job on the last attempt.
 */
public final class StepRunner {

    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);
    public static final String TRACEPARENT_HEADER = StepTracing.TRACEPARENT_HEADER;

    private final StreamBridge bridge;
    private final StepProperties props;
    private final BindingServiceProperties bindings;
    private final MeterRegistry registry;
    private final ClaimCheck claimCheck;
    private final BlobOutageWait blobOutageWait;
    private final CancellationRegistry cancellations;
    private final StepTracing tracing;
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

    public StepRunner(StreamBridge bridge, StepProperties props, BindingServiceProperties bindings, MeterRegistry registry,
                      ClaimCheck claimCheck, BlobOutageWait blobOutageWait, CancellationRegistry cancellations,
                      StepTracing tracing) {
        this.bridge = bridge;
        this.props = props;
        this.bindings = bindings;
        this.registry = registry;
        this.claimCheck = claimCheck;
        this.blobOutageWait = blobOutageWait;
        this.cancellations = cancellations;
        this.tracing = tracing;
    }

    /** The consumer to register as a bean named after the step (binding {@code <step>-in-0}). */
    public Consumer<Message<byte[]>> consumer(StepHandler handler) {
        return message -> process(handler, message);
    }

    void process(StepHandler handler, Message<byte[]> message) {
        long receivedMs = System.currentTimeMillis();
        long start = System.nanoTime();
        String key = keyOf(message);
        StepEnvelope envelope;
        try {
            envelope = StepEnvelope.parseFrom(message.getPayload());
        } catch (InvalidProtocolBufferException e) {
            failUnreadable(handler, key, e);
            return;
        }
        RouteNode node = Routes.find(envelope.getRoute(), envelope.getCurrentStepId()).orElse(null);
        StepSpan span = tracing.start(handler.step(), envelope, message.getHeaders());
        TraceContext trace = span.context();
        MDC.put("job_id", envelope.getJobId());
        MDC.put("trace_id", trace.traceId());
        try {
            if (node == null || !node.getStep().equals(handler.step())) {
                throw new PermanentStepException(ErrorCode.BAD_ROUTE, "Envelope for route node '"
                    + envelope.getCurrentStepId() + "' reached step " + handler.step());
            }
            if (envelope.getDeadlineEpochMs() > 0 && receivedMs > envelope.getDeadlineEpochMs()) {
                publishFailure(envelope, node, trace, ErrorCode.DEADLINE_EXCEEDED, "Deadline passed "
                    + (receivedMs - envelope.getDeadlineEpochMs()) + " ms before step " + node.getId() + " started", null);
                record(handler, "expired", start);
                return;
            }
            if (cancellations.isCancelled(envelope.getJobId())) {
                throw new JobCancelledException("Job cancelled before step " + node.getId() + " started");
            }
            StageTimings timings = new StageTimings();
            CancellationToken token = cancellations.token(envelope.getJobId());
            StepInput input = new StepInput(envelope, node, partialSink(envelope, node, trace), timings, claimCheck, token);
            StepOutput handled = blobOutageWait.call(() -> handler.handle(input), envelope.getDeadlineEpochMs(), token);
            tracing.output(handled.provenance());
            StepOutput output = new StepOutput(blobOutageWait.call(() -> handled.artifacts().stream()
                .map(a -> claimCheck.offload(envelope.getJobId(), a)).toList(), envelope.getDeadlineEpochMs(), token),
                handled.provenance());
            forward(envelope, node, output, trace);
            long totalUs = (System.nanoTime() - start) / 1000;
            publish(event(envelope, node, trace)
                .setTiming(timing(envelope, receivedMs, timings, totalUs))
                .setResult(result(node, output)).build());
            attempts.remove(attemptKey(message));
            record(handler, "success", start);
        } catch (JobCancelledException e) {
            attempts.remove(attemptKey(message));
            publishFailure(envelope, node, trace, e.code(), e.getMessage(), null);
            record(handler, "cancelled", start);
        } catch (DeadlineExceededException e) {
            attempts.remove(attemptKey(message));
            publishFailure(envelope, node, trace, e.code(), e.getMessage(), null);
            record(handler, "expired", start);
        } catch (TransientStepException e) {
            int attempt = attempts.merge(attemptKey(message), 1, Integer::sum);
            if (attempt >= maxAttempts(handler)) {
                attempts.remove(attemptKey(message));
                publishFailure(envelope, node, trace, e.code(), e.getMessage(), null);
                record(handler, "failed", start);
            }
            throw e;
        } catch (StepException e) {
            attempts.remove(attemptKey(message));
            log.info("Step {} of job {} failed: {}", handler.step(), envelope.getJobId(), e.getMessage());
            publishFailure(envelope, node, trace, e.code(), e.getMessage(), null);
            record(handler, "failed", start);
            throw e;
        } catch (RuntimeException e) {
            attempts.remove(attemptKey(message));
            log.error("Step {} of job {} failed unexpectedly", handler.step(), envelope.getJobId(), e);
            publishFailure(envelope, node, trace, ErrorCode.INTERNAL, "Internal error in step " + handler.step()
                + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), null);
            record(handler, "failed", start);
            throw new PermanentStepException(ErrorCode.INTERNAL, e.getMessage(), e);
        } finally {
            span.end();
            MDC.remove("job_id");
            MDC.remove("trace_id");
        }
    }

    private void forward(StepEnvelope envelope, RouteNode node, StepOutput output, TraceContext trace) {
        if (node.getNextCount() == 0) {
            return;
        }
        StepEnvelope.Builder base = envelope.toBuilder().setAttempt(1).setTraceparent(trace.traceparent());
        for (Artifact a : output.artifacts()) {
            base.putArtifacts(a.getName(), a.toBuilder().setProducerStep(node.getId()).build());
        }
        for (RouteNode child : node.getNextList()) {
            StepEnvelope next = base.setCurrentStepId(child.getId()).setSentEpochMs(System.currentTimeMillis()).build();
            send(props.topicOf(child.getStep()), envelope.getJobId(), next.toByteArray(), trace);
        }
    }

    private StepResult result(RouteNode node, StepOutput output) {
        StepResult.Builder result = StepResult.newBuilder().setLeaf(node.getNextCount() == 0).putAllProvenance(output.provenance());
        if (node.getNextCount() == 0) {
            for (Artifact a : output.artifacts()) {
                result.addArtifacts(a.toBuilder().setProducerStep(node.getId()));
            }
        }
        return result.build();
    }

    private StepTiming timing(StepEnvelope envelope, long receivedMs, StageTimings t, long totalUs) {
        long queueMs = envelope.getSentEpochMs() > 0 ? Math.max(0, receivedMs - envelope.getSentEpochMs()) : 0;
        return StepTiming.newBuilder().setQueueMs(queueMs).setPreprocessUs(t.preprocessMicros())
            .setInferenceUs(t.inferenceMicros()).setPostprocessUs(t.postprocessMicros()).setTotalUs(totalUs).build();
    }

    private PartialOutputSink partialSink(StepEnvelope envelope, RouteNode node, TraceContext trace) {
        return (artifact, index, text) -> publish(event(envelope, node, trace)
            .setPartial(PartialOutput.newBuilder().setArtifact(artifact).setIndex(index).setText(text)).build());
    }

    private JobEvent.Builder event(StepEnvelope envelope, RouteNode node, TraceContext trace) {
        return JobEvent.newBuilder()
            .setJobId(envelope.getJobId())
            .setTenant(envelope.getTenant())
            .setPipeline(envelope.getPipeline())
            .setStepId(node == null ? envelope.getCurrentStepId() : node.getId())
            .setStep(node == null ? "" : node.getStep())
            .setService(props.service())
            .setTraceparent(trace.traceparent())
            .setEmittedEpochMs(System.currentTimeMillis());
    }

    private void publishFailure(StepEnvelope envelope, RouteNode node, TraceContext trace, ErrorCode code, String message,
                                StepTiming timing) {
        tracing.failure(code, message);
        JobEvent.Builder event = event(envelope, node, trace)
            .setFailure(StepFailure.newBuilder().setCode(code).setMessage(message == null ? code.name() : message));
        if (timing != null) {
            event.setTiming(timing);
        }
        publish(event.build());
    }

    private void failUnreadable(StepHandler handler, String key, InvalidProtocolBufferException e) {
        if (key != null) {
            publish(JobEvent.newBuilder().setJobId(key).setStep(handler.step()).setService(props.service())
                .setEmittedEpochMs(System.currentTimeMillis())
                .setFailure(StepFailure.newBuilder().setCode(ErrorCode.BAD_ROUTE)
                    .setMessage("Unreadable step envelope for " + handler.step() + ": " + e.getMessage()))
                .build());
        }
        throw new PermanentStepException(ErrorCode.BAD_ROUTE, "Unreadable step envelope: " + e.getMessage(), e);
    }

    private void publish(JobEvent event) {
        send(props.eventsTopic(), event.getJobId(), event.toByteArray(), TraceContext.parseOrNew(event.getTraceparent()));
    }

    private void send(String topic, String key, byte[] payload, TraceContext trace) {
        Message<byte[]> message = MessageBuilder.withPayload(payload)
            .setHeader(KafkaHeaders.KEY, key.getBytes(StandardCharsets.UTF_8))
            .setHeader(TRACEPARENT_HEADER, trace.traceparent())
            .build();
        boolean sent;
        try {
            sent = bridge.send(topic, message);
        } catch (RuntimeException e) {
            // e.g. the broker is unreachable or this service is shutting down: retry, never dead-letter for it
            throw new TransientStepException("Kafka did not accept a record for " + topic + ": " + e.getMessage(), e);
        }
        if (!sent) {
            throw new TransientStepException("Kafka did not accept a record for " + topic, null);
        }
    }

    private int maxAttempts(StepHandler handler) {
        ConsumerProperties consumer = bindings.getConsumerProperties(handler.step() + "-in-0");
        return consumer == null ? 1 : Math.max(1, consumer.getMaxAttempts());
    }

    private void record(StepHandler handler, String outcome, long startNanos) {
        tracing.outcome(outcome);
        Timer.builder("neuropipe.step.duration").description("Time from receiving an envelope to publishing the step's outcome")
            .tag("step", handler.step()).tag("outcome", outcome).publishPercentileHistogram()
            .register(registry).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private static String keyOf(Message<?> message) {
        Object key = message.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
        if (key instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return key == null ? null : key.toString();
    }

    private static String attemptKey(Message<?> message) {
        return message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC) + "/"
            + message.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION) + "/"
            + message.getHeaders().get(KafkaHeaders.OFFSET);
    }
}
