package io.neuropipe.decoder.sched;

import java.util.ArrayList;
import java.util.List;

import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.RepetitionPenalty;
import io.neuropipe.decoder.domain.StopStrings;
import io.neuropipe.decoder.domain.TextStreamer;

/**
 * One request's decoding state, owned by the engine thread: the tokens generated so far, the token to feed next and its
 * position. {@link #advance} turns one row of logits into the next token exactly as the single-request generator does.
 */
final class Sequence {

    static final String CANCELLED = "cancelled";

    private final long id;
    private final GenerationRequest request;
    private final SequenceOptions options;
    private final SequenceHandle handle;
    private final TextStreamer streamer;
    private final List<Integer> generated = new ArrayList<>();
    private long nextToken;
    private long nextPosition;
    private long prefillMicros;
    private boolean finished;
    private Runnable beforeFinish = () -> { };

    Sequence(long id, GenerationRequest request, SequenceOptions options, SequenceHandle handle, TextStreamer streamer) {
        this.id = id;
        this.request = request;
        this.options = options;
        this.handle = handle;
        this.streamer = streamer;
    }

    long id() {
        return id;
    }

    GenerationRequest request() {
        return request;
    }

    SequenceOptions options() {
        return options;
    }

    SequenceHandle handle() {
        return handle;
    }

    long nextToken() {
        return nextToken;
    }

    long nextPosition() {
        return nextPosition;
    }

    boolean finished() {
        return finished;
    }

    /** The prompt's token ids followed by every generated one (the last of which may not be in the cache yet). */
    long[] conversation() {
        long[] prompt = request.promptIds();
        long[] out = java.util.Arrays.copyOf(prompt, prompt.length + generated.size());
        for (int i = 0; i < generated.size(); i++) {
            out[prompt.length + i] = generated.get(i);
        }
        return out;
    }

    void prefilled(long firstDecodePosition, long micros) {
        this.nextPosition = firstDecodePosition;
        this.prefillMicros = micros;
    }

    /** Samples the next token from {@code logits}; returns true when the sequence is finished (its handle is completed). */
    boolean advance(float[] logits, long eos) {
        if (handle.isCancelled()) {
            return finish(streamer.text(), CANCELLED);
        }
        RepetitionPenalty.apply(logits, generated, request.repetitionPenalty());
        int token = request.sampler().next(logits);
        if (token == eos) {
            return finish(streamer.text(), "eos");
        }
        generated.add(token);
        String before = streamer.text();
        String delta = streamer.add(token);
        String stop = StopStrings.firstIn(streamer.text(), request.stopStrings());
        if (stop != null) {
            String kept = streamer.text().substring(0, streamer.text().indexOf(stop));
            if (kept.length() > before.length()) {
                handle.text(kept.substring(before.length()));
            }
            return finish(kept, "stop");
        }
        if (!delta.isEmpty()) {
            handle.text(delta);
        }
        if (generated.size() >= request.maxTokens()) {
            return finish(streamer.text(), "length");
        }
        nextToken = token;
        return false;
    }

    /** The fed token is now in the KV cache. */
    void fed() {
        nextPosition++;
    }

    /** Ends the sequence because it was cancelled before its next step. */
    void cancelNow() {
        finish(streamer.text(), CANCELLED);
    }

    void fail(RuntimeException failure) {
        finished = true;
        handle.fail(failure);
    }

    /** Runs on the engine thread when the sequence ends normally (not cancelled, not failed), before its caller hears. */
    void beforeFinish(Runnable action) {
        this.beforeFinish = action;
    }

    private boolean finish(String text, String reason) {
        finished = true;
        if (!CANCELLED.equals(reason)) {
            beforeFinish.run();
        }
        handle.finish(new Generation(text, List.copyOf(generated), reason, prefillMicros));
        return true;
    }
}
