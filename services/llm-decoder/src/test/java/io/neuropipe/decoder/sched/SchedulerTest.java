package io.neuropipe.decoder.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.domain.TextStreamer;
import org.junit.jupiter.api.Test;

/** The scheduler's bookkeeping with hand-made logits (no model): admission bound, joins, leaves and cancellation. */
class SchedulerTest {

    private static final long EOS = 2;

    private static Sequence sequence(long id, int maxTokens) {
        GenerationRequest request = new GenerationRequest(Prefix.none(), new long[] {1}, maxTokens, List.of(), new GreedySampler(), 1.0);
        TextStreamer streamer = new TextStreamer(ids -> {
            StringBuilder sb = new StringBuilder();
            for (long t : ids) {
                sb.append('t').append(t);
            }
            return sb.toString();
        });
        return new Sequence(id, request, SequenceOptions.none(), new SequenceHandle(() -> false), streamer);
    }

    /** Logits over 5 tokens whose argmax is {@code token}. */
    private static float[] pick(int token) {
        float[] logits = new float[5];
        logits[token] = 1f;
        return logits;
    }

    @Test
    void admitsUpToTheBoundAndRefillsWhenASequenceLeaves() throws Exception {
        Scheduler scheduler = new Scheduler(2, 4);
        Sequence a = sequence(1, 10);
        Sequence b = sequence(2, 10);
        Sequence c = sequence(3, 10);
        for (Sequence s : List.of(a, b, c)) {
            assertThat(scheduler.enqueue(s, Duration.ZERO)).isTrue();
        }
        List<Sequence> admitted = scheduler.admit(Duration.ZERO);
        assertThat(admitted).containsExactly(a, b);
        admitted.forEach(s -> {
            s.advance(pick(3), EOS);
            scheduler.join(s);
        });
        assertThat(scheduler.admit(Duration.ZERO)).isEmpty();
        List<Sequence> batch = scheduler.decodeBatch();
        assertThat(batch).containsExactly(a, b);
        // a ends with end-of-sequence, b goes on: a leaves at once, c takes its place before the next step
        scheduler.update(batch, new float[][] {pick((int) EOS), pick(4)}, EOS);
        assertThat(a.handle().completion()).isCompletedWithValueMatching(g -> g.finishReason().equals("eos") && g.tokens().equals(List.of(3)));
        assertThat(scheduler.decodeBatch()).containsExactly(b);
        assertThat(scheduler.admit(Duration.ZERO)).containsExactly(c);
        assertThat(b.nextToken()).isEqualTo(4);
        assertThat(b.nextPosition()).isEqualTo(1);
    }

    @Test
    void aCancelledSequenceLeavesBeforeTheNextStepWithTheTokensItHad() throws Exception {
        Scheduler scheduler = new Scheduler(4, 4);
        Sequence a = sequence(1, 10);
        Sequence b = sequence(2, 10);
        scheduler.enqueue(a, Duration.ZERO);
        scheduler.enqueue(b, Duration.ZERO);
        for (Sequence s : scheduler.admit(Duration.ZERO)) {
            s.advance(pick(3), EOS);
            scheduler.join(s);
        }
        a.handle().cancel();
        assertThat(scheduler.decodeBatch()).containsExactly(b);
        assertThat(a.handle().completion()).isCompletedWithValueMatching(g -> g.finishReason().equals("cancelled")
            && g.tokens().equals(List.of(3)) && g.text().equals("t3"));
        Sequence waiting = sequence(3, 10);
        scheduler.enqueue(waiting, Duration.ZERO);
        waiting.handle().cancel();
        assertThat(scheduler.admit(Duration.ZERO)).isEmpty();
        assertThat(waiting.handle().completion()).isCompletedWithValueMatching(g -> g.finishReason().equals("cancelled"));
    }

    @Test
    void aFullQueueRefusesAfterTheTimeout() throws Exception {
        Scheduler scheduler = new Scheduler(1, 1);
        assertThat(scheduler.enqueue(sequence(1, 1), Duration.ZERO)).isTrue();
        assertThat(scheduler.enqueue(sequence(2, 1), Duration.ofMillis(20))).isFalse();
        assertThat(scheduler.waiting()).isEqualTo(1);
    }
}
