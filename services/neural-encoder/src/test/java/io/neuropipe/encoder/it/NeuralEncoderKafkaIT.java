package io.neuropipe.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import com.google.protobuf.ByteString;
import io.neuropipe.encoder.EncoderFixture;
import io.neuropipe.encoder.NeuralEncoderApplication;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The encoder service as deployed (its own config file) on the shared in-JVM Kafka broker and
 * embedded PostgreSQL: encode jobs from Kafka (EDF epoching, NIfTI + mask fMRI, a subject
 * registered over REST a moment before), failures with reasons, and the subjects API.
 */
@SpringBootTest(classes = NeuralEncoderApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=neural-encoder", "neuropipe.models.warm-up=false"})
class NeuralEncoderKafkaIT {

    private static final Path SAMPLES = EncoderFixture.SAMPLES;
    private static KafkaConsumer<String, byte[]> consumer;
    private static final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedPostgresServer pg = SharedInfrastructure.postgres();
        registry.add("spring.kafka.bootstrap-servers", () -> SharedInfrastructure.kafka().bootstrapServers());
        registry.add("spring.datasource.url", () -> pg.jdbcUrl("neuropipe"));
        registry.add("neuropipe.models.repository", () -> EncoderFixture.MODELS.resolve("repository").toString());
        Path adapters = Files.createTempDirectory("encoder-it-adapters-");
        registry.add("neuropipe.encoder.subjects.adapter-directory", adapters::toString);
    }

    @BeforeAll
    static void subscribe() {
        consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "encoder-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of("neuropipe.job-events"));
    }

    @AfterAll
    static void close() {
        consumer.close();
    }

    static Artifact file(String name, byte[] bytes) {
        return Artifact.newBuilder().setName(name).setTensor(Tensor.newBuilder().setDtype(DataType.UINT8)
            .addShape(bytes.length).setRawData(ByteString.copyFrom(bytes))).build();
    }

    private static JobEvent encode(Map<String, String> params, Artifact... artifacts) throws Exception {
        String job = UUID.randomUUID().toString();
        RouteNode route = RouteNode.newBuilder().setId("encode").setStep("encode").putAllParams(params).build();
        StepEnvelope.Builder e = StepEnvelope.newBuilder().setJobId(job).setTenant("t1").setPipeline("test").setRoute(route)
            .setCurrentStepId("encode").setAttempt(1).setSentEpochMs(System.currentTimeMillis());
        for (Artifact a : artifacts) {
            e.putArtifacts(a.getName(), a);
        }
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("neuropipe.step.encode", job, e.build().toByteArray())).get();
        }
        return JobEvent.parseFrom(await(r -> job.equals(r.key()) && (parse(r).hasResult() || parse(r).hasFailure())).value());
    }

    private static JobEvent parse(ConsumerRecord<String, byte[]> r) {
        try {
            return JobEvent.parseFrom(r.value());
        } catch (Exception ex) {
            return JobEvent.getDefaultInstance();
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

    private static Artifact embedding(JobEvent e) {
        assertThat(e.hasResult()).as("result, not %s", e.getFailure().getMessage()).isTrue();
        return e.getResult().getArtifactsList().stream().filter(a -> a.getName().equals("embedding")).findFirst().orElseThrow();
    }

    @Test
    void anEdfRecordingFromKafkaIsEpochedAndEncoded() throws Exception {
        JobEvent done = encode(Map.of("subject", "sub-01"), file("eeg", Files.readAllBytes(SAMPLES.resolve("eeg_sub-01_run-01.edf"))));
        assertThat(Tensors.shape(embedding(done).getTensor())).containsExactly(12, 128);
        Artifact onsets = done.getResult().getArtifactsList().stream().filter(a -> a.getName().equals("onsets")).findFirst().orElseThrow();
        assertThat(Tensors.toFloats(onsets.getTensor())[0]).isEqualTo(1.16f);
    }

    @Test
    void aNiftiVolumeAndMaskFromKafkaAreEncodedForTheirSubject() throws Exception {
        JobEvent done = encode(Map.of("subject", "subj01", "modality", "fmri"),
            file("fmri", Files.readAllBytes(SAMPLES.resolve("fmri_subj01_stim00_bold.nii.gz"))),
            file("mask", Files.readAllBytes(SAMPLES.resolve("fmri_subj01_mask.nii.gz"))));
        assertThat(Tensors.shape(embedding(done).getTensor())).containsExactly(128);
        assertThat(done.getResult().getProvenanceMap()).containsEntry("encode.model", "fmri-adapter-subj01/1");
    }

    @Test
    void badInputFailsTheJobWithTheReason() throws Exception {
        byte[] mask = Files.readAllBytes(SAMPLES.resolve("fmri_subj01_mask.nii.gz"));
        JobEvent failed = encode(Map.of("subject", "subj02"),
            file("fmri", Files.readAllBytes(SAMPLES.resolve("fmri_subj01_stim00_bold.nii.gz"))), file("mask", mask));
        assertThat(failed.getFailure().getCode()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(failed.getFailure().getMessage()).contains("2642 voxels but the subject has 2522");
        JobEvent unknown = encode(Map.of("subject", "nobody"), file("fmri", new byte[] {1, 2}));
        assertThat(unknown.getFailure().getCode()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(unknown.getFailure().getMessage()).contains("Unknown subject 'nobody'");
    }

    @Test
    void aPostedSubjectIsUsableAtOnceAndTheApiSaysWhatItKnows() throws Exception {
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(uri("/v1/subjects")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"id\":\"subj01\"", "\"voxel_count\":2642", "\"id\":\"sub-01\"", "\"modality\":\"eeg\"");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(uri("/v1/subjects/nobody")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(missing.body()).contains("subject-not-found", "Unknown subject 'nobody'");

        byte[] adapter = Files.readAllBytes(EncoderFixture.MODELS.resolve("repository/fmri-adapter-subj01/1/model.onnx"));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(adapter));
        String id = "subj-it-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> wrongSha = post(id, 2642, "00" + sha.substring(2), adapter);
        assertThat(wrongSha.statusCode()).isEqualTo(400);
        assertThat(wrongSha.body()).contains("SHA-256 is " + sha);
        byte[] notAnAdapter = Files.readAllBytes(EncoderFixture.MODELS.resolve("repository/eeg-ridge/1/model.onnx"));
        HttpResponse<String> wrongGraph = post(id, 2642, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(notAnAdapter)), notAnAdapter);
        assertThat(wrongGraph.statusCode()).isEqualTo(422);
        assertThat(wrongGraph.body()).contains("adapter-contract");

        HttpResponse<String> created = post(id, 2642, sha, adapter);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"id\":\"" + id + "\"", "\"uploaded\":true", sha);
        assertThat(post(id, 2642, sha, adapter).statusCode()).isEqualTo(409);

        // The new subject's adapter is a copy of subj01's: its embeddings equal subj01's.
        byte[] volume = Files.readAllBytes(SAMPLES.resolve("fmri_subj01_stim00_bold.nii.gz"));
        byte[] mask = Files.readAllBytes(SAMPLES.resolve("fmri_subj01_mask.nii.gz"));
        JobEvent asNew = encode(Map.of("subject", id), file("fmri", volume), file("mask", mask));
        JobEvent asSubj01 = encode(Map.of("subject", "subj01"), file("fmri", volume), file("mask", mask));
        assertThat(asNew.getResult().getProvenanceMap()).containsEntry("encode.model", "fmri-adapter-" + id + "/1");
        float[] a = Tensors.toFloats(embedding(asNew).getTensor());
        float[] b = Tensors.toFloats(embedding(asSubj01).getTensor());
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], org.assertj.core.api.Assertions.within(1e-6f));
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> post(String id, int voxels, String sha, byte[] adapter) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        String meta = "{\"id\":\"" + id + "\",\"modality\":\"fmri\",\"voxel_count\":" + voxels + ",\"sha256\":\"" + sha + "\"}";
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
            + meta + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"adapter\"; filename=\"model.onnx\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(adapter);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(uri("/v1/subjects")).header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
