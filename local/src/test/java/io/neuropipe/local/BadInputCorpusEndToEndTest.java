package io.neuropipe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends every case of the committed bad-input corpus ({@code src/test/resources/bad-inputs},
 * {@code manifest.json}) to the local stack and checks the outcome the manifest expects: a 4xx
 * problem+json from the gateway, or an accepted job that ends FAILED with a code and a reason
 * (on the Kafka ingress: a FAILED status event). Never a 5xx, never a job left hanging.
 */
class BadInputCorpusEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path CORPUS = Path.of("src/test/resources/bad-inputs").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension();

    @TestFactory
    Stream<DynamicTest> everyCaseGetsItsExpectedOutcome() throws Exception {
        JsonNode manifest = JSON.readTree(CORPUS.resolve("manifest.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : manifest.path("cases")) {
            tests.add(DynamicTest.dynamicTest(c.path("file").asString() + " (" + c.path("why").asString() + ")", () -> check(c)));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(30);
        return tests.stream();
    }

    private static void check(JsonNode c) throws Exception {
        byte[] bytes = Files.readAllBytes(CORPUS.resolve(c.path("file").asString()));
        String via = c.path("via").asString();
        String expect = c.path("expect").asString();
        if (via.equals("kafka")) {
            assertThat(expect).isEqualTo("failed");
            assertKafkaRequestFails(bytes);
            return;
        }
        HttpResponse<String> r = switch (via) {
            case "json" -> post("application/json", bytes);
            case "multipart" -> multipart(c, fileName(c), bytes);
            case "multipart-traversal" -> multipart(c, "../../etc/passwd", bytes);
            default -> throw new IllegalArgumentException("Unknown 'via' " + via);
        };
        assertThat(r.statusCode()).as("no 5xx: " + r.body()).isLessThan(500);
        if (expect.equals("4xx")) {
            assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
            assertThat(r.headers().firstValue("content-type").orElse("")).contains("application/problem+json");
            return;
        }
        assertThat(expect).isEqualTo("failed");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode job = awaitEnd(JSON.readTree(r.body()).path("id").asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.path("error").path("code").asString()).isNotBlank();
        assertThat(job.path("error").path("message").asString()).isNotBlank();
    }

    private static String fileName(JsonNode c) {
        String file = c.path("file").asString();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    private static JsonNode awaitEnd(String id) throws Exception {
        long end = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(STACK.get().gatewayUrl() + "/v1/jobs/" + id + "?wait=20s"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode job = JSON.readTree(r.body());
            String status = job.path("status").asString();
            if (!status.equals("PENDING") && !status.equals("RUNNING")) {
                return job;
            }
        }
        throw new AssertionError("Job " + id + " did not end within " + JOB_TIMEOUT);
    }

    private static void assertKafkaRequestFails(byte[] record) throws Exception {
        String key = UUID.randomUUID().toString();
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "corpus-" + key,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("neuropipe.jobs.results"));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            try (var producer = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    STACK.get().bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("neuropipe.jobs.requests", key, record)).get();
            }
            long end = System.nanoTime() + JOB_TIMEOUT.toNanos();
            while (System.nanoTime() < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        JobEvent event = JobEvent.parseFrom(r.value());
                        assertThat(event.getStatus().getStatus()).isEqualTo(JobStatus.JOB_FAILED);
                        assertThat(event.getStatus().getReason()).isNotBlank();
                        return;
                    }
                }
            }
            throw new AssertionError("No status event for the unreadable request " + key);
        }
    }

    private static HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(STACK.get().gatewayUrl() + "/v1/jobs")).header("content-type", contentType)
            .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> multipart(JsonNode c, String fileName, byte[] file) throws Exception {
        String boundary = "corpus-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"pipeline\"\r\n\r\n"
            + c.path("pipeline").asString() + "\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + c.path("field").asString()
            + "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return post("multipart/form-data; boundary=" + boundary, body.toByteArray());
    }
}
