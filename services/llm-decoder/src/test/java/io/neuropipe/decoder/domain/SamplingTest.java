package io.neuropipe.decoder.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SamplingTest {

    @Test
    void greedyTakesTheHighestLogitAndTheLowestIndexOnTies() {
        assertThat(new GreedySampler().next(new float[] {0.1f, 2f, -1f, 2f})).isEqualTo(1);
    }

    @Test
    void topKOneIsGreedy() {
        StochasticSampler s = new StochasticSampler(1.0, 1, 1.0, 7);
        for (int i = 0; i < 20; i++) {
            assertThat(s.next(new float[] {0f, 0.5f, 3f, 1f})).isEqualTo(2);
        }
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // probabilities ~ [0.7, 0.2, 0.1] (log-space); top_p 0.6 keeps only the first
        float[] logits = {(float) Math.log(0.7), (float) Math.log(0.2), (float) Math.log(0.1)};
        StochasticSampler s = new StochasticSampler(1.0, 0, 0.6, 1);
        for (int i = 0; i < 50; i++) {
            assertThat(s.next(logits)).isZero();
        }
    }

    @Test
    void samplingFollowsTheDistributionAndIsSeeded() {
        float[] logits = {(float) Math.log(0.7), (float) Math.log(0.2), (float) Math.log(0.1)};
        StochasticSampler s = new StochasticSampler(1.0, 0, 1.0, 123);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10000; i++) {
            counts.merge(s.next(logits), 1, Integer::sum);
        }
        assertThat(counts.get(0) / 10000.0).isBetween(0.67, 0.73);
        assertThat(counts.get(2) / 10000.0).isBetween(0.08, 0.12);
        StochasticSampler a = new StochasticSampler(0.8, 0, 0.9, 5);
        StochasticSampler b = new StochasticSampler(0.8, 0, 0.9, 5);
        for (int i = 0; i < 100; i++) {
            assertThat(a.next(logits)).isEqualTo(b.next(logits));
        }
    }

    @Test
    void repetitionPenaltyShrinksPositiveAndGrowsNegativeLogitsOfSeenTokens() {
        float[] logits = {2f, -1f, 3f};
        RepetitionPenalty.apply(logits, List.of(0, 1, 0), 2.0);
        assertThat(logits).containsExactly(1f, -2f, 3f);
    }

    @Test
    void streamerEmitsOnlyTheNewSuffix() {
        Map<Long, String> pieces = Map.of(5L, "a", 6L, " red", 7L, " circle");
        TextStreamer streamer = new TextStreamer(ids -> {
            StringBuilder sb = new StringBuilder();
            for (long id : ids) {
                sb.append(pieces.get(id));
            }
            return sb.toString();
        });
        assertThat(streamer.add(5)).isEqualTo("a");
        assertThat(streamer.add(6)).isEqualTo(" red");
        assertThat(streamer.add(7)).isEqualTo(" circle");
        assertThat(streamer.text()).isEqualTo("a red circle");
    }
}
