package io.neuropipe.encoder.stream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neuropipe.encoder.config.StreamProperties;
import io.neuropipe.proto.v1.EegChunk;
import io.neuropipe.proto.v1.EegStreamNotice;
import io.neuropipe.proto.v1.EegWindowDecoded;
import io.neuropipe.runtime.step.StepException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Consumes {@link EegChunk}s and emits one {@link EegWindowDecoded} per window, exactly once: each
 * poll's windows, notices and the input offsets are written in one Kafka transaction, and the
 * committed offset of a partition is the oldest chunk a session still needs, with every session's
 * {@link SessionCheckpoint} in the offset's metadata. A restarted (or newly assigned) instance
 * re-reads from there and rebuilds exactly the buffers it had, so windows are neither lost nor
 * repeated. The windows of one poll are decoded together on the consumer's thread: one encoder call
 * and one retrieval pass per gallery for all of them ({@link WindowDecoder#decodeAll}). A poll's
 * transaction commits on a second thread while the next poll is cut and decoded; the next
 * transaction begins only once it has committed, and a failed commit rewinds both polls.
 */
@Component
public class EegStreamRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EegStreamRunner.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final StreamProperties props;
    private final WindowDecoder decoder;
    private final String bootstrapServers;
    private final ChunkReader reader;
    private final Map<TopicPartition, PartitionWindows> partitions = new HashMap<>();
    private final Timer latency;
    private final Counter duplicates;
    private final Timer windowing;
    private final Timer decoding;
    private final Timer committing;
    private final Timer pollCpu;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    // the stream thread's; the previous poll's transaction commits on `committer` while the next poll is decoded
    private KafkaProducer<String, byte[]> producer;
    private ExecutorService committer;
    private Future<?> pendingCommit;

    public EegStreamRunner(StreamProperties props, WindowDecoder decoder,
                           @Value("${spring.kafka.bootstrap-servers}") String bootstrapServers, MeterRegistry registry) {
        this.props = props;
        this.decoder = decoder;
        this.bootstrapServers = bootstrapServers;
        this.reader = new ChunkReader(decoder.montage());
        this.latency = Timer.builder("neuropipe.stream.window.latency")
            .description("From receiving the chunk that completes a window to handing the decoded window to Kafka")
            .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        this.duplicates = Counter.builder("neuropipe.stream.chunks.ignored")
            .description("Chunks ignored because their sequence number was already handled").register(registry);
        this.windowing = stageTimer(registry, "window", "Parsing and checking one poll's chunks and cutting their windows");
        this.decoding = stageTimer(registry, "decode", "Decoding one poll's windows (pre-processing, encoder, retrieval)");
        this.committing = stageTimer(registry, "commit",
            "Sending one poll's offsets and committing its transaction (overlaps the next poll's decoding)");
        this.pollCpu = Timer.builder("neuropipe.stream.poll.cpu")
            .description("CPU time the stream thread spent on one poll's records, all stages "
                + "(the encoder's included when ONNX Runtime runs on the caller, intra-op-threads=1)")
            .register(registry);
    }

    private static Timer stageTimer(MeterRegistry registry, String stage, String description) {
        return Timer.builder("neuropipe.stream.poll.stage").tag("stage", stage).description(description).register(registry);
    }

    @Override
    public synchronized void start() {
        if (!props.enabled() || running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "eeg-stream");
        thread.start();
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        committer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "eeg-stream-commit");
            t.setDaemon(true);
            return t;
        });
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
            consumer = c;
            producer = p;
            p.initTransactions();
            c.subscribe(List.of(props.inputTopic()), new Rebalance(c));
            try {
                while (running) {
                    ConsumerRecords<String, byte[]> records = c.poll(props.pollTimeout());
                    if (!records.isEmpty()) {
                        handle(c, p, records);
                    }
                }
            } finally {
                awaitCommit();
            }
        } catch (WakeupException e) {
            // stop() woke the consumer up
        } catch (RuntimeException e) {
            log.error("EEG stream consumer stopped", e);
        } finally {
            consumer = null;
            producer = null;
            committer.shutdownNow();
            partitions.clear();
        }
    }

    /**
     * Waits for the previous poll's transaction to commit; when it failed, aborts it and returns
     * false (the caller rebuilds its state from the committed offsets, which that poll never moved).
     */
    private boolean awaitCommit() {
        Future<?> pending = pendingCommit;
        pendingCommit = null;
        if (pending == null) {
            return true;
        }
        try {
            pending.get();
            return true;
        } catch (ExecutionException e) {
            log.warn("EEG stream transaction failed; rewinding to the committed state: {}", e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while the EEG stream transaction committed; rewinding to the committed state");
        }
        producer.abortTransaction();
        return false;
    }

    private void handle(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer, ConsumerRecords<String, byte[]> records) {
        long now = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        List<EegWindow> windows = new ArrayList<>();
        List<EegStreamNotice> notices = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            PartitionWindows pw = partitions.get(new TopicPartition(r.topic(), r.partition()));
            if (pw != null) {
                offer(pw, r, now, windows, notices);
                pw.advance(r.offset());
            }
        }
        long cut = System.nanoTime();
        windowing.record(cut - now, TimeUnit.NANOSECONDS);
        List<WindowDecoder.Decoded> decoded;
        try {
            decoded = windows.isEmpty() ? List.of() : decoder.decodeAll(windows);
        } catch (RuntimeException e) {
            log.warn("EEG stream windows could not be decoded; rewinding to the committed state: {}", e.getMessage());
            rewind(c, c.assignment());
            return;
        }
        decoding.record(System.nanoTime() - cut, TimeUnit.NANOSECONDS);
        if (!awaitCommit()) {
            rewind(c, c.assignment()); // this poll's records are re-read after the failed one's
            return;
        }
        producer.beginTransaction();
        try {
            for (EegStreamNotice n : notices) {
                producer.send(new ProducerRecord<>(props.noticesTopic(), n.getSessionId(), n.toByteArray()));
            }
            for (WindowDecoder.Decoded d : decoded) {
                send(producer, d);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : records.partitions()) {
                PartitionWindows pw = partitions.get(tp);
                if (pw != null) {
                    offsets.put(tp, new OffsetAndMetadata(pw.commitOffset(), pw.checkpoint(now)));
                }
            }
            ConsumerGroupMetadata group = c.groupMetadata();
            pendingCommit = committer.submit(() -> {
                long started = System.nanoTime();
                producer.sendOffsetsToTransaction(offsets, group);
                producer.commitTransaction();
                committing.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            });
            pollCpu.record(THREADS.getCurrentThreadCpuTime() - cpu, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            log.warn("EEG stream transaction failed; rewinding to the committed state: {}", e.getMessage());
            producer.abortTransaction();
            rewind(c, c.assignment());
        }
    }

    private void offer(PartitionWindows pw, ConsumerRecord<String, byte[]> r, long now, List<EegWindow> windows,
                       List<EegStreamNotice> notices) {
        EegChunk chunk;
        try {
            chunk = EegChunk.parseFrom(r.value());
        } catch (InvalidProtocolBufferException e) {
            notices.add(EegStreamNotice.newBuilder().setSessionId(r.key() == null ? "" : r.key())
                .setKind(EegStreamNotice.Kind.REJECTED_CHUNK).setMessage("Unreadable EegChunk at offset " + r.offset() + ": "
                    + e.getMessage()).setEmittedEpochMs(System.currentTimeMillis()).build());
            return;
        }
        if (chunk.getSessionId().isEmpty()) {
            notices.add(EegStreamNotice.newBuilder().setKind(EegStreamNotice.Kind.REJECTED_CHUNK).setSequence(chunk.getSequence())
                .setMessage("EegChunk at offset " + r.offset() + " has no session_id").setEmittedEpochMs(System.currentTimeMillis()).build());
            return;
        }
        SessionWindower session = pw.session(chunk.getSessionId(), now);
        ChunkReader.Samples samples;
        try {
            samples = reader.read(chunk);
        } catch (StepException e) {
            session.reject(chunk.getSequence(), e.getMessage(), now, notices);
            return;
        }
        SessionWindower.Outcome outcome = session.offer(chunk.getSequence(), r.offset(), chunk.getSampleRate(),
            chunk.getChannelNamesList(), samples.samples(), samples.data(), chunk.getSubject(), chunk.getGallery(), now, windows, notices);
        if (outcome == SessionWindower.Outcome.DUPLICATE) {
            duplicates.increment();
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, WindowDecoder.Decoded d) {
        EegWindow w = d.window();
        if (d.failure() != null) {
            EegStreamNotice n = EegStreamNotice.newBuilder().setSessionId(w.sessionId()).setKind(EegStreamNotice.Kind.WINDOW_FAILED)
                .setSequence(w.lastSequence()).setMessage("Window " + w.windowIndex() + " could not be decoded: " + d.failure())
                .setEmittedEpochMs(System.currentTimeMillis()).build();
            producer.send(new ProducerRecord<>(props.noticesTopic(), n.getSessionId(), n.toByteArray()));
            return;
        }
        long us = (System.nanoTime() - w.receivedNanos()) / 1000;
        latency.record(us, TimeUnit.MICROSECONDS);
        producer.send(new ProducerRecord<>(props.outputTopic(), w.sessionId(), d.result().toBuilder().setLatencyUs(us).build().toByteArray()));
    }

    /** Rebuilds the state of {@code tps} from their committed offsets and window checkpoints. */
    private void rewind(KafkaConsumer<String, byte[]> c, Collection<TopicPartition> tps) {
        awaitCommit(); // the committed offsets read below must include every transaction already sent
        if (tps.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new HashSet<>(tps));
        long now = System.nanoTime();
        for (TopicPartition tp : tps) {
            OffsetAndMetadata om = committed.get(tp);
            if (om != null) {
                c.seek(tp, om);
            } else {
                c.seekToBeginning(List.of(tp));
            }
            long start = om != null ? om.offset() : c.position(tp);
            partitions.put(tp, new PartitionWindows(props.window(), props.windowHop(), props.sessionIdleTimeout(), start,
                om == null ? "" : om.metadata(), now));
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            rewind(c, assigned);
            log.info("EEG stream partitions assigned: {}", assigned);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            awaitCommit();
            revoked.forEach(partitions::remove);
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, props.group());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxPollRecords());
        return c;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, props.group() + "-" + UUID.randomUUID());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // the first AddPartitionsToTxn after a commit is usually refused with CONCURRENT_TRANSACTIONS while the
        // coordinator still writes the markers; at the default 100 ms backoff that wait was most of a window's latency
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        return p;
    }

}
