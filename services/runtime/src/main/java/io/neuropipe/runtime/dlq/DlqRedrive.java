package io.neuropipe.runtime.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-drives a dead-letter topic: reads {@code <topic>.dlq} from where the last re-drive stopped
 * (consumer group {@value #GROUP}) up to its end at the time of the call, republishes every
 * record to {@code <topic>} with its key and headers (the binder's {@code x-exception-*} headers
 * dropped, {@value #REDRIVEN_HEADER} added), and commits the DLQ offsets only after Kafka
 * acknowledged every republished record. A crash in between re-drives those records again, which
 * the gateway tolerates (it stores each step result once).
 *
 * <pre>java -cp &lt;any service jar's classpath&gt; io.neuropipe.runtime.dlq.DlqRedrive &lt;bootstrap-servers&gt; &lt;topic&gt;</pre>
 */
public final class DlqRedrive {

    static final String GROUP = "neuropipe-dlq-redrive";
    static final String REDRIVEN_HEADER = "neuropipe-redriven-from";
    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, Object> clientConfig;

    /** @param clientConfig Kafka client settings shared by the consumer and the producer (at least {@code bootstrap.servers}) */
    public DlqRedrive(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /** Re-drives {@code <topic>.dlq} into {@code topic}; returns how many records were republished. */
    public int redrive(String topic) {
        String dlq = topic + ".dlq";
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (var consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(dlq, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(dlq, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("Topic " + dlq + " does not exist");
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int count = 0;
            while (!reached(consumer, end)) {
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // arrived after the call started: the next re-drive takes it
                    }
                    acks.add(producer.send(republished(topic, r)));
                    done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                awaitAll(acks);
                consumer.commitSync(done);
                count += acks.size();
                // skip past records after the end snapshot so the loop ends
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp) > end.get(tp)) {
                        consumer.seek(tp, end.get(tp));
                    }
                }
            }
            return count;
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static ProducerRecord<byte[], byte[]> republished(String topic, ConsumerRecord<byte[], byte[]> r) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, r.key(), r.value());
        for (Header h : r.headers()) {
            if (!h.key().startsWith("x-exception-") && !h.key().startsWith("x-original-")) {
                out.headers().add(h);
            }
        }
        out.headers().add(REDRIVEN_HEADER, r.topic().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static void awaitAll(List<Future<RecordMetadata>> acks) {
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while re-driving", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Kafka refused a re-driven record; DLQ offsets not committed", e.getCause());
            }
        }
    }

    /** {@code DlqRedrive <bootstrap-servers> <topic>}: re-drives {@code <topic>.dlq} and prints the count. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: DlqRedrive <bootstrap-servers> <topic>   (re-drives <topic>.dlq into <topic>)");
            System.exit(2);
        }
        int n = new DlqRedrive(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0])).redrive(args[1]);
        System.out.println("Re-drove " + n + " record(s) from " + args[1] + ".dlq to " + args[1]);
    }
}
