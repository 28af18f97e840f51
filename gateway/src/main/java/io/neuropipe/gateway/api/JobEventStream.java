package io.neuropipe.gateway.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.neuropipe.gateway.feed.FeedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One SSE subscriber of one job. Live events that arrive while the snapshot is being sent wait
 * until it has gone; an event already sent (by key) is not sent again; the job's end is the last
 * event and closes the stream. A {@link FeedEvent.Resync} sends what the store shows and this
 * stream has not sent. Sends run one at a time on an executor, never on the Kafka consumer's
 * thread, so a slow client cannot hold up event handling.
 */
final class JobEventStream implements Consumer<FeedEvent> {

    private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);

    /** An SSE event's name (null: a plain {@code data:} event) and JSON data; a renderer returns null to skip an event. */
    record Rendered(String name, Object data) {
    }

    private final SseEmitter emitter;
    private final Function<FeedEvent, Rendered> renderer;
    private final Supplier<List<FeedEvent>> snapshot;
    private final Executor executor;
    private final Consumer<JobEventStream> onClose;
    private final Set<String> sent = new HashSet<>();
    private final List<FeedEvent> buffered = new ArrayList<>();
    private boolean live;
    private volatile boolean closed;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    JobEventStream(SseEmitter emitter, Function<FeedEvent, Rendered> renderer, Supplier<List<FeedEvent>> snapshot,
                   Executor executor, Consumer<JobEventStream> onClose) {
        this.emitter = emitter;
        this.renderer = renderer;
        this.snapshot = snapshot;
        this.executor = executor;
        this.onClose = onClose;
        emitter.onCompletion(this::close);
        emitter.onTimeout(this::close);
        emitter.onError(e -> close());
    }

    @Override
    public synchronized void accept(FeedEvent event) {
        if (closed) {
            return;
        }
        if (live) {
            enqueue(List.of(event));
        } else if (!(event instanceof FeedEvent.Resync)) {
            buffered.add(event);
        }
    }

    /** Sends what happened so far, then whatever arrived meanwhile, then goes live. */
    synchronized void start() {
        List<FeedEvent> all = new ArrayList<>(snapshot.get());
        all.addAll(buffered);
        buffered.clear();
        live = true;
        enqueue(all);
    }

    private void enqueue(List<FeedEvent> events) {
        tail = tail.exceptionally(e -> null).thenRunAsync(() -> events.forEach(this::send), executor);
    }

    private void send(FeedEvent event) {
        if (event instanceof FeedEvent.Resync) {
            try {
                if (!closed) {
                    snapshot.get().forEach(this::send);
                }
            } catch (RuntimeException e) {
                log.debug("SSE resync skipped: {}", e.getMessage());
            }
            return;
        }
        synchronized (this) {
            if (closed || !sent.add(event.key())) {
                return;
            }
        }
        try {
            Rendered r = renderer.apply(event);
            if (r != null) {
                SseEmitter.SseEventBuilder e = SseEmitter.event().id(event.key());
                emitter.send((r.name() == null ? e : e.name(r.name())).data(r.data(), MediaType.APPLICATION_JSON));
            }
            if (event instanceof FeedEvent.Ended) {
                emitter.complete();
                close();
            }
        } catch (IOException | IllegalStateException e) {
            log.debug("SSE subscriber gone: {}", e.getMessage());
            close();
        } catch (RuntimeException e) {
            log.warn("SSE event {} could not be sent", event.key(), e);
            emitter.completeWithError(e);
            close();
        }
    }

    private void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.accept(this);
    }
}
