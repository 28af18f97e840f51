package io.neuropipe.encoder.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import io.neuropipe.encoder.NeuralEncoderApplication;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole encoder service on the shared embedded Kafka broker and PostgreSQL server, with the
 * zoo's models and sample set. Subclasses share one application context.
 */
@SpringBootTest(classes = NeuralEncoderApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=neural-encoder", "neuropipe.runtime.intra-op-threads=1",
        "neuropipe.encoder.stream.window-hop=500ms"})
public abstract class EncoderAppTest {

    public static final Path MODELS = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models").toAbsolutePath().normalize();
    public static final String DATABASE = "neuropipe_encoder_test";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        EmbeddedPostgresServer pg = SharedInfrastructure.postgres();
        pg.createDatabaseIfMissing(DATABASE);
        r.add("spring.datasource.url", () -> pg.jdbcUrl(DATABASE));
        r.add("spring.datasource.username", () -> EmbeddedPostgresServer.USER);
        r.add("spring.datasource.password", () -> "");
        r.add("spring.kafka.bootstrap-servers", () -> SharedInfrastructure.kafka().bootstrapServers());
        r.add("neuropipe.models.repository", () -> MODELS.resolve("repository").toString());
    }

    public static String bootstrap() {
        return SharedInfrastructure.kafka().bootstrapServers();
    }

    public static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()), new StringSerializer(),
            new ByteArraySerializer());
    }

    /** A consumer of {@code topics} from the start, in a group of its own. */
    public static KafkaConsumer<String, byte[]> consumer(String... topics) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
            ConsumerConfig.GROUP_ID_CONFIG, "encoder-test-" + UUID.randomUUID(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topics));
        return c;
    }

    /** Polls until {@code count} records match, or fails after {@code timeout}. */
    public static List<ConsumerRecord<String, byte[]>> await(KafkaConsumer<String, byte[]> consumer,
                                                             Predicate<ConsumerRecord<String, byte[]>> match, int count,
                                                             Duration timeout) {
        List<ConsumerRecord<String, byte[]>> found = collect(consumer, match, count, timeout);
        if (found.size() < count) {
            throw new AssertionError("Expected " + count + " matching records within " + timeout + " but got " + found.size());
        }
        return found;
    }

    /** The records matching within {@code timeout}, polling no longer once {@code count} have come. */
    public static List<ConsumerRecord<String, byte[]>> collect(KafkaConsumer<String, byte[]> consumer,
                                                               Predicate<ConsumerRecord<String, byte[]>> match, int count,
                                                               Duration timeout) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (found.size() < count && System.nanoTime() < end) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (match.test(r)) {
                    found.add(r);
                }
            }
        }
        return found;
    }
}
