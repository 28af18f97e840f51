package io.neuropipe.runtime.step.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = AffineStepApplication.class, properties = {
    "spring.application.name=affine-service",
    "spring.cloud.function.definition=affine",
    "spring.cloud.stream.bindings.affine-in-0.destination=neuropipe.step.affine",
    "spring.cloud.stream.bindings.affine-in-0.group=affine",
    "spring.cloud.stream.kafka.bindings.affine-in-0.consumer.dlq-name=neuropipe.step.affine.dlq",
    "neuropipe.models.repository=src/test/resources/repository",
    "neuropipe.models.pinned-versions.affine=1",
})
class StepRunnerKafkaIT {

    private static KafkaConsumer<String, byte[]> consumer;
    private static final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> SharedInfrastructure.kafka().bootstrapServers());
    }

    @BeforeAll
    static void subscribe() {
        consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "step-runner-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of("neuropipe.job-events", "neuropipe.step.left", "neuropipe.step.right",
            "neuropipe.step.affine.dlq"));
    }

    @AfterAll
    static void close() {
        consumer.close();
    }

    private static void send(StepEnvelope envelope) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("neuropipe.step.affine", envelope.getJobId(), envelope.toByteArray())).get();
        }
    }

    private static ConsumerRecord<String, byte[]> await(Predicate<ConsumerRecord<String, byte[]>> match) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, byte[]> r : seen) {
                if (match.test(r)) {
                    return r;
                }
            }
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        }
        throw new AssertionError("No matching record within 60 s; saw " + seen.size() + " records");
    }

    private static StepEnvelope envelope(String jobId, float... x) {
        RouteNode route = RouteNode.newBuilder().setId("affine").setStep("affine")
            .addNext(RouteNode.newBuilder().setId("l").setStep("left"))
            .addNext(RouteNode.newBuilder().setId("r").setStep("right")).build();
        return StepEnvelope.newBuilder().setJobId(jobId).setTenant("t1").setPipeline("test").setRoute(route)
            .setCurrentStepId("affine").setAttempt(1)
            .setTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .putArtifacts("x", Artifact.newBuilder().setName("x").setTensor(Tensors.ofFloats(x, 3)).build())
            .setSentEpochMs(System.currentTimeMillis())
            .build();
    }

    @Test
    void runsTheModelFansOutAndReportsTheResult() throws Exception {
        String job = UUID.randomUUID().toString();
        send(envelope(job, 1, 2, 3));

        for (String topic : List.of("neuropipe.step.left", "neuropipe.step.right")) {
            var forwarded = await(r -> r.topic().equals(topic) && job.equals(r.key()));
            StepEnvelope next = StepEnvelope.parseFrom(forwarded.value());
            assertThat(next.getCurrentStepId()).isEqualTo(topic.endsWith("left") ? "l" : "r");
            assertThat(Tensors.toFloats(next.getArtifactsOrThrow("y").getTensor())).containsExactly(4.5f, 4.5f);
            assertThat(next.getArtifactsOrThrow("y").getProducerStep()).isEqualTo("affine");
            assertThat(next.getTraceparent()).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
                .doesNotContain("00f067aa0ba902b7");
            assertThat(new String(forwarded.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
        }
        JobEvent partial = JobEvent.parseFrom(await(r -> r.topic().equals("neuropipe.job-events") && job.equals(r.key())
            && parse(r).hasPartial()).value());
        assertThat(partial.getPartial().getText()).isEqualTo("half-way");
        JobEvent result = JobEvent.parseFrom(await(r -> r.topic().equals("neuropipe.job-events") && job.equals(r.key())
            && parse(r).hasResult()).value());
        assertThat(result.getStepId()).isEqualTo("affine");
        assertThat(result.getService()).isEqualTo("affine-service");
        assertThat(result.getResult().getLeaf()).isFalse();
        assertThat(result.getResult().getProvenanceMap()).containsEntry("model", "affine/1");
        assertThat(result.getTiming().getTotalUs()).isPositive();
    }

    @Test
    void badInputFailsTheJobWithAReasonAndLandsInTheDlq() throws Exception {
        String job = UUID.randomUUID().toString();
        send(envelope(job, 1, Float.NaN, 3));

        JobEvent failure = JobEvent.parseFrom(await(r -> r.topic().equals("neuropipe.job-events") && job.equals(r.key())
            && parse(r).hasFailure()).value());
        assertThat(failure.getFailure().getCode()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(failure.getFailure().getMessage()).contains("x contains a non-finite value");
        var dead = await(r -> r.topic().equals("neuropipe.step.affine.dlq") && job.equals(r.key()));
        assertThat(StepEnvelope.parseFrom(dead.value()).getJobId()).isEqualTo(job);
        assertThat(header(dead, "x-exception-message")).contains("x contains a non-finite value");
        assertThat(header(dead, "x-original-topic")).isEqualTo("neuropipe.step.affine");
    }

    @Test
    void aTransientFailureIsRetriedWithBackOffThenFailsTheJobAndIsDeadLettered() throws Exception {
        String job = UUID.randomUUID().toString();
        send(envelope(job, AffineStepApplication.FLAKY, 2, 3));

        JobEvent failure = JobEvent.parseFrom(await(r -> r.topic().equals("neuropipe.job-events") && job.equals(r.key())
            && parse(r).hasFailure()).value());
        assertThat(failure.getFailure().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failure.getFailure().getMessage()).contains("model server busy");
        var dead = await(r -> r.topic().equals("neuropipe.step.affine.dlq") && job.equals(r.key()));
        assertThat(header(dead, "x-exception-message")).contains("model server busy");
        List<Long> attempts = AffineStepApplication.ATTEMPTS.get(job);
        assertThat(attempts).hasSize(3); // spring.cloud.stream.default.consumer.max-attempts
        // back-off 200 ms, then 400 ms (initial 200, multiplier 2)
        assertThat(attempts.get(1) - attempts.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(190).toNanos());
        assertThat(attempts.get(2) - attempts.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(390).toNanos());
        assertThat(seen).noneMatch(r -> job.equals(r.key()) && r.topic().equals("neuropipe.job-events") && parse(r).hasResult());
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anExpiredJobFailsWithDeadlineExceededWithoutRunning() throws Exception {
        String job = UUID.randomUUID().toString();
        send(envelope(job, 1, 2, 3).toBuilder().setDeadlineEpochMs(System.currentTimeMillis() - 1000).build());

        JobEvent failure = JobEvent.parseFrom(await(r -> r.topic().equals("neuropipe.job-events") && job.equals(r.key())
            && parse(r).hasFailure()).value());
        assertThat(failure.getFailure().getCode()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(seen).noneMatch(r -> job.equals(r.key()) && r.topic().startsWith("neuropipe.step.left"));
    }

    private static JobEvent parse(ConsumerRecord<String, byte[]> r) {
        try {
            return JobEvent.parseFrom(r.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
