package io.neuropipe.runtime.step.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.proto.v1.JobStatusChange;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.blob.GatewaySchema;
import io.neuropipe.runtime.cancel.CancellationRegistry;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Claim check and cancellation through the step runner on a real broker and a real PostgreSQL:
 * large outputs leave as blob references the next step reads inline; envelopes of a cancelled job
 * are skipped; a running step stops at its next check; both report CANCELLED.
 */
@SpringBootTest(classes = DataPlaneStepApplication.class, properties = {
    "spring.application.name=dataplane-service",
    "spring.cloud.function.definition=bulk;slow",
    "spring.cloud.stream.bindings.bulk-in-0.destination=neuropipe.step.bulk",
    "spring.cloud.stream.bindings.bulk-in-0.group=bulk",
    "spring.cloud.stream.bindings.slow-in-0.destination=neuropipe.step.slow",
    "spring.cloud.stream.bindings.slow-in-0.group=slow",
    "neuropipe.models.enabled=false",
    "neuropipe.blobs.inline-limit=64KB",
})
class StepDataPlaneIT {

    private static final String CANCEL_TOPIC = "neuropipe.jobs.cancel";
    private static KafkaConsumer<String, byte[]> consumer;
    private static KafkaProducer<String, byte[]> producer;
    private static final List<ConsumerRecord<String, byte[]>> seen = new CopyOnWriteArrayList<>();

    @Autowired
    ClaimCheck claimCheck;
    @Autowired
    CancellationRegistry cancellations;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> SharedInfrastructure.kafka().bootstrapServers());
        String url = GatewaySchema.create();
        registry.add("neuropipe.blobs.postgres.url", () -> url);
        registry.add("neuropipe.blobs.postgres.username", () -> EmbeddedPostgresServer.USER);
    }

    @BeforeAll
    static void connect() {
        String servers = SharedInfrastructure.kafka().bootstrapServers();
        consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
            ConsumerConfig.GROUP_ID_CONFIG, "dataplane-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of("neuropipe.job-events", "neuropipe.step.next"));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
            new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void close() {
        consumer.close();
        producer.close();
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static void cancel(String job) throws Exception {
        send(CANCEL_TOPIC, job, JobEvent.newBuilder().setJobId(job).setService("gateway")
            .setStatus(JobStatusChange.newBuilder().setStatus(JobStatus.JOB_CANCELLED).setReason("test")).build().toByteArray());
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

    private static JobEvent event(String job, Predicate<JobEvent> match) {
        return parse(await(r -> r.topic().equals("neuropipe.job-events") && job.equals(r.key()) && match.test(parse(r))));
    }

    private static StepEnvelope envelope(String job, String step, Artifact x, Map<String, String> params) {
        RouteNode route = RouteNode.newBuilder().setId(step).setStep(step).putAllParams(params)
            .addNext(RouteNode.newBuilder().setId("next").setStep("next")).build();
        StepEnvelope.Builder b = StepEnvelope.newBuilder().setJobId(job).setTenant("t1").setPipeline("test").setRoute(route)
            .setCurrentStepId(step).setAttempt(1).setSentEpochMs(System.currentTimeMillis());
        if (x != null) {
            b.putArtifacts(x.getName(), x);
        }
        return b.build();
    }

    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 1000 - 500;
        }
        return x;
    }

    @Test
    void aLargeInputByReferenceBecomesALargeOutputByReference() throws Exception {
        String job = UUID.randomUUID().toString();
        float[] x = ramp(256 * 1024); // 1 MiB of FP32
        Artifact input = claimCheck.offload(job, Artifact.newBuilder().setName("x").setTensor(Tensors.ofFloats(x, x.length)).build());
        assertThat(input.hasBlob()).isTrue();
        send("neuropipe.step.bulk", job, envelope(job, "bulk", input, Map.of()).toByteArray());

        ConsumerRecord<String, byte[]> forwarded = await(r -> r.topic().equals("neuropipe.step.next") && job.equals(r.key()));
        assertThat(forwarded.value().length).isLessThan(4096);
        Artifact doubled = StepEnvelope.parseFrom(forwarded.value()).getArtifactsOrThrow("doubled");
        assertThat(doubled.getBlob().getMediaType()).isEqualTo(ClaimCheck.TENSOR);
        assertThat(doubled.getBlob().getSizeBytes()).isGreaterThan(1024 * 1024);
        assertThat(doubled.getProducerStep()).isEqualTo("bulk");
        float[] y = Tensors.toFloats(claimCheck.inline(doubled).getTensor());
        assertThat(y).hasSize(x.length);
        assertThat(y[0]).isEqualTo(2 * x[0]);
        assertThat(y[x.length - 1]).isEqualTo(2 * x[x.length - 1]);
        assertThat(event(job, JobEvent::hasResult).getResult().getProvenanceMap()).containsEntry("bulk.elements", "262144");

        assertThat(claimCheck.store().deleteJob(job)).isEqualTo(2);
    }

    @Test
    void anEnvelopeOfACancelledJobIsSkippedWithACancelledOutcome() throws Exception {
        String job = UUID.randomUUID().toString();
        cancel(job);
        awaitRegistered(job);
        Artifact x = Artifact.newBuilder().setName("x").setTensor(Tensors.ofFloats(ramp(3), 3)).build();
        send("neuropipe.step.bulk", job, envelope(job, "bulk", x, Map.of()).toByteArray());

        JobEvent failure = event(job, JobEvent::hasFailure);
        assertThat(failure.getFailure().getCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(failure.getFailure().getMessage()).contains("before step bulk started");
        assertThat(seen).noneMatch(r -> job.equals(r.key()) && (r.topic().equals("neuropipe.step.next") || parse(r).hasResult()));
    }

    @Test
    void aRunningStepStopsAtItsNextCheckOnceTheJobIsCancelled() throws Exception {
        String job = UUID.randomUUID().toString();
        send("neuropipe.step.slow", job, envelope(job, "slow", null, Map.of("iterations", "20000")).toByteArray());
        event(job, e -> e.hasPartial() && e.getPartial().getIndex() >= 2);
        cancel(job);
        awaitRegistered(job);
        // what the step had emitted when the test saw the registry flip (its consumer may lag behind the step's sends)
        int emittedWhenRegistered = DataPlaneStepApplication.SLOW_EMITTED.get(job).get();

        JobEvent failure = event(job, JobEvent::hasFailure);
        assertThat(failure.getFailure().getCode()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(failure.getFailure().getMessage()).contains("while the step was running");
        // the step polls once per iteration: at most the iteration under way finishes after the cancel was seen
        assertThat(DataPlaneStepApplication.SLOW_EMITTED.get(job).get()).isBetween(emittedWhenRegistered, emittedWhenRegistered + 1)
            .isLessThan(20000);
        assertThat(seen).noneMatch(r -> job.equals(r.key()) && r.topic().equals("neuropipe.step.next"));
    }

    private int partials(String job) {
        return (int) seen.stream().filter(r -> r.topic().equals("neuropipe.job-events") && job.equals(r.key())
            && parse(r).hasPartial()).count();
    }

    private void awaitRegistered(String job) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!cancellations.isCancelled(job)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("The service did not hear of the cancellation of " + job + " within 60 s");
            }
            consumer.poll(Duration.ofMillis(20)).forEach(seen::add);
        }
    }

    private static JobEvent parse(ConsumerRecord<String, byte[]> r) {
        try {
            return JobEvent.parseFrom(r.value());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
