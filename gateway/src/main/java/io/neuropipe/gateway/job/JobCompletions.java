package io.neuropipe.gateway.job;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.neuropipe.gateway.feed.FeedEvent;
import io.neuropipe.gateway.feed.JobFeed;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes requests waiting for a job to end ({@code GET /v1/jobs/{id}?wait=...}, sync {@code generate}) when this
 * instance commits the job's final state, or when {@link JobEndListener} hears that another instance did. Live
 * subscribers ({@link JobFeed}) are told the job ended at the same moment.
 */
@Component
public class JobCompletions {

    private final ConcurrentMap<UUID, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final JobFeed feed;

    public JobCompletions(JobFeed feed) {
        this.feed = feed;
    }

    /** A future completed once the job's final state has committed. Register before reading the job. */
    public CompletableFuture<Void> register(UUID id) {
        return waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    public void unregister(UUID id, CompletableFuture<Void> future) {
        waiting.remove(id, future);
    }

    /** Signals waiters of {@code id} after the current transaction commits. */
    public void finishedOnCommit(UUID id) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    finished(id);
                }
            });
        } else {
            finished(id);
        }
    }

    /**
     * Another gateway instance committed the job's final state: wakes its waiters here, and lets live subscribers catch
     * up on the steps that instance stored before they hear of the end.
     */
    void endedElsewhere(UUID id) {
        feed.publish(id, new FeedEvent.Resync());
        finished(id);
    }

    /** Jobs with a waiter on this instance now. */
    Set<UUID> waitingJobs() {
        return Set.copyOf(waiting.keySet());
    }

    private void finished(UUID id) {
        CompletableFuture<Void> f = waiting.remove(id);
        if (f != null) {
            f.complete(null);
        }
        feed.publish(id, new FeedEvent.Ended());
    }
}
