package io.neuropipe.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
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
import org.awaitility.Awaitility;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real Kafka and PostgreSQL for gateway integration tests, plus small HTTP and Kafka helpers. */
public final class GatewayTestSupport {

    public static final Duration WAIT = Duration.ofSeconds(30);
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path models;

    private GatewayTestSupport() {
    }

    /** The administrator key of tests that switch auth on. */
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";

    /** Points the gateway at the shared broker, a database of its own and the test model cards; auth off. */
    public static void register(DynamicPropertyRegistry r, String database) {
        register(r, database, false);
    }

    /** As {@link #register(DynamicPropertyRegistry, String)}, with API keys required when {@code auth}. */
    public static void register(DynamicPropertyRegistry r, String database, boolean auth) {
        r.add("neuropipe.gateway.auth.enabled", () -> auth);
        r.add("neuropipe.gateway.auth.admin-key", () -> ADMIN_KEY);
        EmbeddedPostgresServer pg = SharedInfrastructure.postgres();
        pg.createDatabaseIfMissing(database);
        r.add("spring.datasource.url", () -> pg.jdbcUrl(database));
        r.add("spring.datasource.username", () -> EmbeddedPostgresServer.USER);
        r.add("spring.datasource.password", () -> "");
        r.add("spring.kafka.bootstrap-servers", () -> SharedInfrastructure.kafka().bootstrapServers());
        r.add("neuropipe.gateway.model-repository", () -> models().toString());
        r.add("spring.cloud.stream.bindings.jobEvents-in-0.group", () -> "gateway-" + database);
        r.add("spring.cloud.stream.bindings.jobRequests-in-0.group", () -> "gateway-" + database);
    }

    public static String bootstrap() {
        return SharedInfrastructure.kafka().bootstrapServers();
    }

    /** A model repository holding the eeg-encoder and lm cards the pipelines are validated against. */
    public static synchronized Path models() {
        if (models == null) {
            try {
                models = Files.createTempDirectory("gateway-models-");
                Path card = models.resolve("eeg-encoder/1/model.yaml");
                Files.createDirectories(card.getParent());
                Files.writeString(card, """
                    name: eeg-encoder
                    version: 1
                    trained: false
                    sha256: "0000000000000000000000000000000000000000000000000000000000000000"
                    inputs:
                      - {name: eeg, role: eeg, dtype: FP32, shape: [-1, 63, 250]}
                      - {name: subject, role: subject, dtype: INT64, shape: [-1]}
                    outputs:
                      - {name: eeg_embedding, role: embedding, dtype: FP32, shape: [-1, 128]}
                    """);
                Path lm = models.resolve("lm/1/model.yaml");
                Files.createDirectories(lm.getParent());
                Files.writeString(lm, """
                    name: lm
                    version: 1
                    trained: false
                    sha256: "0000000000000000000000000000000000000000000000000000000000000000"
                    inputs:
                      - {name: inputs_embeds, role: inputs_embeds, dtype: FP32, shape: [-1, -1, 128]}
                    outputs:
                      - {name: logits, role: logits, dtype: FP32, shape: [-1, -1, 189]}
                    preprocessing: {max_position_embeddings: 512}
                    """);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return models;
    }

    /** An OIP-style FP32 tensor JSON object of the given shape with values 0, 0.001, 0.002, ... */
    public static Map<String, Object> fp32(int... shape) {
        int n = 1;
        List<Long> dims = new ArrayList<>();
        for (int d : shape) {
            n *= d;
            dims.add((long) d);
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = i * 0.001f;
        }
        return Map.of("datatype", "FP32", "shape", dims, "data", data);
    }

    public record Response(int status, String contentType, JsonNode body, String raw) {
    }

    public static Response post(int port, String path, Object body, Map<String, String> headers) {
        String json = body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        return send(b.build());
    }

    public static Response get(int port, String path) {
        return get(port, path, Map.of());
    }

    public static Response postBytes(int port, String path, String contentType, byte[] body,
                                     Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public static Response postMultipart(int port, Multipart form, Map<String, String> headers) {
        return postBytes(port, "/v1/jobs", form.contentType(), form.body(), headers);
    }

    /** Sends any request. */
    public static Response exchange(HttpRequest request) {
        return send(request);
    }

    public static Response get(int port, String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    public static Response delete(int port, String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).DELETE();
        headers.forEach(b::header);
        return send(b.build());
    }

    /** {@code Authorization: Bearer <key>}. */
    public static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String raw = r.body();
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode body = raw == null || raw.isBlank() || !type.contains("json") ? null : JSON.readTree(raw);
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
            ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
    }

    public static void send(String topic, String key, byte[] value) {
        try (var p = producer()) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("Send to " + topic + " failed", e);
        }
    }

    /** A consumer of {@code topic} from its beginning, in a fresh group. */
    public static KafkaConsumer<String, byte[]> consumer(String topic) {
        var c = new KafkaConsumer<String, byte[]>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
            ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until a record matching {@code wanted} arrives; fails after {@link #WAIT}. */
    public static ConsumerRecord<String, byte[]> await(KafkaConsumer<String, byte[]> consumer,
                                                      Predicate<ConsumerRecord<String, byte[]>> wanted) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (wanted.test(r)) {
                    return r;
                }
            }
        }
        throw new AssertionError("No matching record within " + WAIT);
    }

    /** Polls {@code GET path} until {@code done} holds for the body; returns it. */
    public static JsonNode awaitJson(int port, String path, Predicate<JsonNode> done) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            last.set(get(port, path).body());
            return last.get() != null && done.test(last.get());
        });
        return last.get();
    }
}
