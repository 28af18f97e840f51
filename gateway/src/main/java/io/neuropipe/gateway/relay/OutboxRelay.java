package io.neuropipe.gateway.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.lifecycle.BackgroundLoop;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka, one database transaction per batch: rows are taken with
 * {@code FOR UPDATE SKIP LOCKED} so several gateway instances share the work, and the deletion
 * commits only after Kafka acknowledged every record of the batch (at-least-once). Runs when a
 * commit signals new rows and, as a safety net, every sweep interval.
 */
@Component
public class OutboxRelay extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final Outbox outbox;
    private final OutboxSignal signal;
    private final KafkaPublisher publisher;
    private final OutboxTracing tracing;
    private final TransactionTemplate tx;
    private final GatewayProperties.Relay config;
    private final List<Runnable> sweepTasks;

    public OutboxRelay(Outbox outbox, OutboxSignal signal, KafkaPublisher publisher, OutboxTracing tracing,
                       TransactionTemplate tx, GatewayProperties properties, List<SweepTask> sweepTasks) {
        super("outbox-relay", Duration.ofSeconds(5));
        this.outbox = outbox;
        this.tracing = tracing;
        this.signal = signal;
        this.publisher = publisher;
        this.tx = tx;
        this.config = properties.relay();
        this.sweepTasks = List.copyOf(sweepTasks.stream().map(t -> (Runnable) t::sweep).toList());
    }

    @Override
    protected void loop() {
        long interval = config.sweepInterval().toNanos();
        long nextSweep = System.nanoTime();
        while (going()) {
            try {
                signal.await(Duration.ofNanos(Math.max(0, nextSweep - System.nanoTime())));
                if (System.nanoTime() - nextSweep >= 0) {
                    nextSweep = System.nanoTime() + interval;
                    sweepTasks.forEach(OutboxRelay::runQuietly);
                }
                drain();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Outbox relay pass failed; retrying within {}", config.sweepInterval(), e);
            }
        }
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("Sweep task failed", e);
        }
    }

    /** Publishes until the outbox holds no unlocked rows. */
    public void drain() {
        Integer published;
        do {
            published = tx.execute(status -> publishBatch());
        } while (published != null && published == config.batchSize());
    }

    private int publishBatch() {
        List<OutboxMessage> batch = outbox.take(config.batchSize());
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        List<OutboxTracing.Publish> spans = new ArrayList<>(batch.size());
        RuntimeException failure = null;
        try {
            for (OutboxMessage m : batch) {
                OutboxTracing.Publish publish = tracing.start(m);
                spans.add(publish);
                acks.add(publisher.send(publish.message()));
            }
            long deadline = System.nanoTime() + config.sendTimeout().toNanos();
            for (Future<RecordMetadata> ack : acks) {
                await(ack, deadline);
            }
            return batch.size();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            for (OutboxTracing.Publish publish : spans) {
                publish.end(failure);
            }
        }
    }

    private static void await(Future<RecordMetadata> ack, long deadlineNanos) {
        try {
            ack.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing the outbox", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge an outbox record", e);
        }
    }

    /** Periodic work run by the relay thread on its sweep (e.g. failing jobs past their deadline). */
    public interface SweepTask {
        void sweep();
    }
}
