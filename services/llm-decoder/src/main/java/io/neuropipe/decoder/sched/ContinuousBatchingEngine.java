package io.neuropipe.decoder.sched;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.PromptEmbedding;
import io.neuropipe.decoder.domain.TextStreamer;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.engine.PromptInputs;
import io.neuropipe.decoder.kv.KvSnapshot;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.SessionCache;
import io.neuropipe.decoder.kv.SessionCacheProperties;
import io.neuropipe.runtime.step.TransientStepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Continuous batching: concurrent requests share decode steps. One engine thread loops: admit waiting sequences (prefilled
 * together in as few calls as their lengths allow, see {@link PrefillPlanner}; one with a prefix-cache hit on its own),
 * each sampling its first token, then run one decode step for every running sequence in a single model call, then let the
 * scheduler consume the logits — finished sequences leave at once, new ones join before the next step. Callers block on
 * their {@link SequenceHandle}.
 */
@Component
public class ContinuousBatchingEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ContinuousBatchingEngine.class);
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    private final LanguageModelEngine engine;
    private final BatchingProperties props;
    private final PrefixCache prefixCache;
    private final SessionCache sessions;
    private final Scheduler scheduler;
    private final BatchedKvRunner runner;
    private final long eos;
    private final int hidden;
    private final AtomicLong nextId = new AtomicLong();
    private final Thread loop;
    private volatile boolean closed;
    private volatile int peakBatch;
    private volatile int peakPrefillBatch;

    public ContinuousBatchingEngine(LanguageModelEngine engine, BatchingProperties props, PrefixCache prefixCache) {
        this(engine, props, prefixCache, new SessionCache(prefixCache, SessionCacheProperties.defaults()));
    }

    @Autowired
    public ContinuousBatchingEngine(LanguageModelEngine engine, BatchingProperties props, PrefixCache prefixCache,
                                    SessionCache sessions) {
        this.sessions = sessions;
        this.engine = engine;
        this.props = props;
        this.prefixCache = prefixCache;
        this.scheduler = new Scheduler(props.maxRunning(), props.queueCapacity());
        this.hidden = engine.hidden();
        this.runner = new BatchedKvRunner(engine.lm(), hidden);
        this.eos = (long) engine.card().preprocessingNumber("eos_id", 2);
        this.loop = new Thread(this::run, "llm-decoder-batch");
        loop.setDaemon(true);
        loop.start();
    }

    /**
     * Queues a request; blocks while the queue is full, up to the configured admit timeout.
     *
     * @param cancelled polled before each of the sequence's steps; once true the sequence ends with finish reason
     *                  {@code cancelled}
     */
    public SequenceHandle submit(GenerationRequest request, SequenceOptions options, BooleanSupplier cancelled) {
        if (closed) {
            throw new TransientStepException("The decoder engine is shutting down", null);
        }
        SequenceHandle handle = new SequenceHandle(cancelled);
        TextStreamer streamer = new TextStreamer(ids -> engine.tokenizer().decode(ids, true));
        Sequence sequence = new Sequence(nextId.incrementAndGet(), request, options, handle, streamer);
        if (options.sessionId() != null) {
            sequence.beforeFinish(() -> keepSession(sequence));
        }
        try {
            if (!scheduler.enqueue(sequence, props.admitTimeout())) {
                throw new TransientStepException("The decoder's queue stayed full for " + props.admitTimeout()
                    + " (neuropipe.decoder.batching.queue-capacity " + props.queueCapacity() + ")", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStepException("Interrupted while waiting for room in the decoder's queue", e);
        }
        return handle;
    }

    /** Conversation sessions this engine restores and keeps ({@link SequenceOptions#sessionId()}). */
    public SessionCache sessions() {
        return sessions;
    }

    /** Most sequences prefilled together in one call so far. */
    public int peakPrefillBatch() {
        return peakPrefillBatch;
    }

    /** Most sequences decoded together in one step so far. */
    public int peakBatch() {
        return peakBatch;
    }

    private void run() {
        while (!closed) {
            try {
                step();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                log.error("A decode step failed; failing its {} sequences", scheduler.running(), e);
                scheduler.failRunning(e);
                runner.reset();
            }
        }
        TransientStepException stopped = new TransientStepException("The decoder engine stopped", null);
        scheduler.failRunning(stopped);
        scheduler.failWaiting(stopped);
        runner.close();
    }

    private void step() throws InterruptedException {
        prefill(scheduler.admit(IDLE_WAIT));
        List<Sequence> batch = scheduler.decodeBatch();
        if (batch.isEmpty()) {
            return;
        }
        int b = batch.size();
        peakBatch = Math.max(peakBatch, b);
        long[] ids = new long[b];
        long[] positions = new long[b];
        float[] embeds = new float[b * hidden];
        for (int i = 0; i < b; i++) {
            Sequence s = batch.get(i);
            ids[i] = s.id();
            positions[i] = s.nextPosition();
            engine.embed(s.nextToken(), embeds, i * hidden);
        }
        scheduler.update(batch, runner.decode(ids, embeds, positions), eos);
    }

    /**
     * Keeps a finished sequence's cache for its session's next turn, before its caller hears of the end (so the next turn
     * finds it); a failure to keep it only costs that reuse.
     */
    private void keepSession(Sequence s) {
        String id = s.options().sessionId();
        if (s.handle().isCancelled()) {
            return;
        }
        try {
            KvSnapshot kv = runner.snapshotAny(s.id());
            GenerationRequest r = s.request();
            long[] tokens = s.conversation();
            long[] fed = Arrays.copyOf(tokens, kv.tokens() - r.prefix().length());
            PromptInputs in = PromptInputs.of(engine, new GenerationRequest(r.prefix(), fed, 1, List.of(), r.sampler(), 1.0));
            sessions.store(id, s.options().sessionTurn() + 1, r.prefix(), tokens, new PromptEmbedding(r.prefix(), fed, in.embeds(), in.positions(), in.count(),
                hidden), kv);
        } catch (RuntimeException e) {
            log.warn("Could not keep the cache of session {}", id, e);
        }
    }

    /** A joining sequence's prefill input and what the prefix cache holds of it. */
    private record Joining(Sequence sequence, PromptEmbedding full, Optional<PrefixCache.Hit> hit) {
    }

    /**
     * Prefills the sequences joining before this step: each with a cache hit alone on top of its restored rows, the rest
     * grouped into as few calls as {@link PrefillPlanner} allows. A failed call fails its sequences only.
     */
    private void prefill(List<Sequence> admitted) {
        List<Joining> fresh = new ArrayList<>();
        for (Sequence s : admitted) {
            try {
                Joining j = joining(s);
                if (j.hit().isPresent()) {
                    prefillAlone(j);
                } else {
                    fresh.add(j);
                }
            } catch (RuntimeException e) {
                runner.release(s.id());
                s.fail(e);
            }
        }
        int[] lengths = fresh.stream().mapToInt(j -> j.full().length()).toArray();
        for (List<Integer> group : PrefillPlanner.plan(lengths, props.maxPrefillPadding())) {
            List<Joining> members = group.stream().map(fresh::get).toList();
            try {
                prefillTogether(members);
            } catch (RuntimeException e) {
                members.forEach(j -> {
                    runner.release(j.sequence().id());
                    j.sequence().fail(e);
                });
            }
        }
    }

    private Joining joining(Sequence s) {
        GenerationRequest request = s.request();
        PromptInputs inputs = PromptInputs.of(engine, request);
        PromptEmbedding full = new PromptEmbedding(request.prefix(), request.promptIds(), inputs.embeds(), inputs.positions(),
            inputs.count(), hidden);
        SequenceOptions o = s.options();
        // a continuation restores its session or fails: prefilling it as a first turn would silently lose the conversation
        Optional<PrefixCache.Hit> hit = o.sessionTurn() == 0 ? Optional.empty()
            : Optional.of(sessions.restore(o.sessionId(), o.sessionTurn(), request.promptIds()));
        if (hit.isEmpty() && s.options().prefixCache()) {
            hit = prefixCache.lookup(full);
        }
        return new Joining(s, full, hit);
    }

    private void prefillAlone(Joining j) {
        long start = System.nanoTime();
        PromptEmbedding full = j.full();
        int reused = j.hit().orElseThrow().tokens();
        float[] logits = runner.prefill(j.sequence().id(), Arrays.copyOfRange(full.embeds(), reused * hidden,
            full.length() * hidden), Arrays.copyOfRange(full.positions(), reused, full.length()), full.length() - reused,
            j.hit().get().kv());
        joined(j, reused, logits, start);
    }

    private void prefillTogether(List<Joining> members) {
        long start = System.nanoTime();
        List<BatchedKvRunner.PrefillRows> rows = members.stream().map(j -> new BatchedKvRunner.PrefillRows(j.sequence().id(),
            j.full().embeds(), j.full().positions(), j.full().length())).toList();
        float[][] logits = runner.prefill(rows);
        peakPrefillBatch = Math.max(peakPrefillBatch, rows.size());
        for (int i = 0; i < members.size(); i++) {
            Joining j = members.get(i);
            try {
                if (j.sequence().options().prefixCache()) {
                    prefixCache.store(j.full(), runner.snapshot(j.sequence().id()));
                }
                joined(j, 0, logits[i], start);
            } catch (RuntimeException e) {
                runner.release(j.sequence().id());
                j.sequence().fail(e);
            }
        }
    }

    private void joined(Joining j, int reused, float[] logits, long start) {
        Sequence s = j.sequence();
        PromptEmbedding full = j.full();
        s.handle().reused(reused);
        s.prefilled(full.positions()[full.length() - 1] + 1, (System.nanoTime() - start) / 1000);
        if (s.advance(logits, eos)) {
            runner.release(s.id());
        } else {
            scheduler.join(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
