package io.neuropipe.runtime.cancel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.runtime.config.CancellationProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds the {@link CancellationRegistry} from the cancel topic. It assigns itself every partition
 * (no consumer group), so each instance of a service sees every cancellation, and starts reading
 * at the records of the last {@code remember} so an instance started after a cancel still knows
 * it. Partitions added to the topic later are picked up when their count changes.
 */
public final class CancelTopicListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CancelTopicListener.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long REFRESH_MS = 30_000;

    private final CancellationRegistry registry;
    private final CancellationProperties props;
    private final String bootstrapServers;
    private final String clientId;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public CancelTopicListener(CancellationRegistry registry, CancellationProperties props, String bootstrapServers,
                               String service) {
        this.registry = registry;
        this.props = props;
        this.bootstrapServers = bootstrapServers;
        this.clientId = "neuropipe-cancel-" + service;
    }

    @Override
    public synchronized void start() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, true);
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, clientId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int partitions = 0;
        long nextRefresh = 0;
        try {
            while (running) {
                if (System.currentTimeMillis() >= nextRefresh) {
                    partitions = assign(partitions);
                    nextRefresh = System.currentTimeMillis() + (partitions == 0 ? POLL.toMillis() : REFRESH_MS);
                }
                if (partitions == 0) {
                    Thread.sleep(POLL.toMillis());
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    accept(record);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Cancellation listener on {} stopped; cancelled jobs will run to the end", props.topic(), e);
        } finally {
            consumer.close();
        }
    }

    private int assign(int known) {
        List<PartitionInfo> infos = consumer.partitionsFor(props.topic(), Duration.ofSeconds(10));
        if (infos == null || infos.size() == known) {
            return known;
        }
        List<TopicPartition> all = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(all);
        long since = System.currentTimeMillis() - props.remember().toMillis();
        Map<TopicPartition, Long> times = new HashMap<>();
        all.forEach(tp -> times.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
        for (TopicPartition tp : all) {
            OffsetAndTimestamp at = offsets.get(tp);
            if (at != null) {
                consumer.seek(tp, at.offset());
            } else {
                consumer.seekToEnd(List.of(tp));
            }
        }
        log.info("Listening for cancellations on {} ({} partitions)", props.topic(), all.size());
        return all.size();
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        try {
            JobEvent event = JobEvent.parseFrom(record.value());
            if (event.hasStatus() && event.getStatus().getStatus() == JobStatus.JOB_CANCELLED && !event.getJobId().isEmpty()) {
                registry.cancel(event.getJobId());
            }
        } catch (InvalidProtocolBufferException e) {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            log.warn("Unreadable record on {} (key {}) ignored: {}", props.topic(), key, e.getMessage());
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
