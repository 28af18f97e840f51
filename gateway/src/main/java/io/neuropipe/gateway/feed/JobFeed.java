package io.neuropipe.gateway.feed;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Live events of jobs for this gateway instance's subscribers ({@code GET /v1/jobs/{id}/events}).
 * Events about stored state are published after the transaction that stored it commits, so a
 * subscriber reading the store on an event sees what the event announces. Events consumed by
 * another gateway instance reach that instance's subscribers only; subscribers here catch up on
 * their stored effects through {@link FeedResync}.
 */
@Component
public class JobFeed {

    private final ConcurrentMap<UUID, Set<Consumer<FeedEvent>>> subscribers = new ConcurrentHashMap<>();

    /** Subscribes to {@code job}'s events; returns the handle that {@link #unsubscribe} takes. */
    public Consumer<FeedEvent> subscribe(UUID job, Consumer<FeedEvent> subscriber) {
        subscribers.computeIfAbsent(job, k -> new CopyOnWriteArraySet<>()).add(subscriber);
        return subscriber;
    }

    public void unsubscribe(UUID job, Consumer<FeedEvent> subscriber) {
        subscribers.computeIfPresent(job, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /** Delivers now (for in-memory state such as streamed chunks). */
    public void publish(UUID job, FeedEvent event) {
        Set<Consumer<FeedEvent>> set = subscribers.get(job);
        if (set != null) {
            set.forEach(s -> s.accept(event));
        }
    }

    /** Delivers once the current transaction commits (at once without one). */
    public void publishOnCommit(UUID job, List<FeedEvent> events) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    events.forEach(e -> publish(job, e));
                }
            });
        } else {
            events.forEach(e -> publish(job, e));
        }
    }

    /** Delivers {@code event} to the subscribers of every job. */
    public void publishToAll(FeedEvent event) {
        subscribers.values().forEach(set -> set.forEach(s -> s.accept(event)));
    }

    int subscriberCount(UUID job) {
        Set<Consumer<FeedEvent>> set = subscribers.get(job);
        return set == null ? 0 : set.size();
    }
}
