package io.neuropipe.runtime.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.neuropipe.runtime.embedded.SharedInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DlqRedriveTest {

    private static String bootstrap() {
        return SharedInfrastructure.kafka().bootstrapServers();
    }

    @Test
    void republishesEveryDeadRecordOnceWithItsKeyAndHeadersButNotTheError() throws Exception {
        String topic = deadLetters(5);
        DlqRedrive redrive = new DlqRedrive(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));

        assertThat(redrive.redrive(topic)).isEqualTo(5);
        assertThat(redrive.redrive(topic)).as("a second call finds nothing new").isZero();

        List<ConsumerRecord<String, String>> out = readAll(topic, 5);
        assertThat(out).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("job-0", "job-1", "job-2", "job-3", "job-4");
        for (ConsumerRecord<String, String> r : out) {
            assertThat(r.value()).isEqualTo("envelope-" + r.key().substring(4));
            assertThat(r.headers().lastHeader("traceparent")).isNotNull();
            assertThat(r.headers().lastHeader("x-exception-message")).isNull();
            assertThat(new String(r.headers().lastHeader(DlqRedrive.REDRIVEN_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo(topic + ".dlq");
        }
    }

    @Test
    void aMissingDlqIsAnError() {
        DlqRedrive redrive = new DlqRedrive(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false));
        assertThatThrownBy(() -> redrive.redrive("no-such-" + UUID.randomUUID()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".dlq does not exist");
    }

    /** The README's command: the main class in its own JVM, with the bootstrap servers and the topic as arguments. */
    @Test
    void theDocumentedCommandRedrivesATopicAndPrintsTheCount() throws Exception {
        String topic = deadLetters(3);

        Command run = command(bootstrap(), topic);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Re-drove 3 record(s) from " + topic + ".dlq to " + topic);
        assertThat(readAll(topic, 3)).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("job-0", "job-1", "job-2");
        assertThat(command(bootstrap(), topic).output()).as("a second run finds nothing new").contains("Re-drove 0 record(s)");
    }

    @Test
    void theCommandWithoutItsArgumentsPrintsUsageAndFails() throws Exception {
        Command run = command();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("usage: DlqRedrive <bootstrap-servers> <topic>");
    }

    private record Command(int exitCode, String output) {
    }

    private static Command command(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), DlqRedrive.class.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("dlq-redrive-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log);
            assertThat(ended).as("the command ended within 60 s: " + output).isTrue();
            return new Command(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A fresh topic and its DLQ, both with 2 partitions, and {@code n} dead records (keys job-0.., an error header). */
    private static String deadLetters(int n) throws Exception {
        String topic = "redrive-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1), new NewTopic(topic + ".dlq", 2, (short) 1))).all().get();
        }
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                var r = new ProducerRecord<>(topic + ".dlq", "job-" + i, "envelope-" + i);
                r.headers().add("traceparent", "tp".getBytes(StandardCharsets.UTF_8));
                r.headers().add("x-exception-message", "boom".getBytes(StandardCharsets.UTF_8));
                producer.send(r).get();
            }
        }
        return topic;
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int expected) {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // read a little past the expected count, so an extra (duplicated) record would show
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(end, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
            return out;
        }
    }
}
