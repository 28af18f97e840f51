package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tree shapes, top-k, lookup drafting and the typical acceptance threshold, with values worked out by hand. */
class SpeculationPartsTest {

    private static float[] logProbabilities(double... p) {
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) Math.log(p[i]);
        }
        return out;
    }

    @Test
    void treeShapeFromMedusaStylePaths() {
        TreeShape shape = TreeShape.parse("0,0,0; 1;0;0,1;1,0;0,0");
        assertThat(shape.toString()).isEqualTo("0;1;0,0;0,1;1,0;0,0,0");
        assertThat(shape.nodes()).isEqualTo(7);
        assertThat(shape.parents()).containsExactly(-1, 0, 0, 1, 1, 2, 3);
        assertThat(shape.depths()).containsExactly(0, 1, 1, 2, 2, 2, 3);
        assertThat(shape.choices()).containsExactly(0, 0, 1, 0, 1, 0, 0);
        assertThat(shape.topK(1)).isEqualTo(2);
        assertThat(shape.topK(2)).isEqualTo(2);
        assertThat(shape.topK(3)).isEqualTo(1);
        assertThat(shape.depth()).isEqualTo(3);
        assertThat(TreeShape.parse(SpeculationProperties.DEFAULT_TREE).nodes()).isEqualTo(20);
    }

    @Test
    void treeShapeRejectsOrphansDuplicatesAndJunk() {
        assertThatThrownBy(() -> TreeShape.parse("0;0,0,0")).hasMessageContaining("lacks its parent path [0, 0]");
        assertThatThrownBy(() -> TreeShape.parse("0;0")).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> TreeShape.parse("0;x")).hasMessageContaining("not a list of integers");
        assertThatThrownBy(() -> TreeShape.parse("0;-1")).hasMessageContaining("negative");
    }

    @Test
    void topKIsBestFirstWithLowerIndexOnTies() {
        assertThat(TopK.of(new float[] {1, 3, 3, 0, 2}, 0, 5, 3)).containsExactly(1, 2, 4);
        assertThat(TopK.of(new float[] {9, 9, 1, 3, 3, 0, 2}, 2, 5, 5)).containsExactly(1, 2, 4, 0, 3);
    }

    @Test
    void lookupDraftsWhatFollowedTheLongestEarlierMatch() {
        TokenHistory history = new TokenHistory(new long[] {1, 5, 6, 7, 8, 5, 6}, 4);
        // [8,5,6] never occurred before; [5,6] did at 1 -> 7, 8, 5
        assertThat(LookupProposer.draft(history, 3, 3)).containsExactly(7, 8, 5);
        assertThat(LookupProposer.draft(history, 3, 10)).containsExactly(7, 8, 5, 6);
        assertThat(LookupProposer.draft(new TokenHistory(new long[] {1, 2, 3}, 1), 3, 4)).isEmpty();
    }

    @Test
    void typicalThresholdIsTheSmallerOfEpsilonAndEntropyScaledDelta() {
        TypicalAcceptance rule = new TypicalAcceptance(0.09, 0.3, 1.0);
        // H = 1.4668 nats -> 0.3 * exp(-H) = 0.0692 < 0.09: p = 0.08 passes though below epsilon
        assertThat(rule.accepts(logProbabilities(0.4, 0.2, 0.2, 0.12, 0.08), 0, 5, 4)).isTrue();
        // H = 1.4314 -> threshold 0.0717: p = 0.06 fails
        assertThat(rule.accepts(logProbabilities(0.42, 0.2, 0.2, 0.12, 0.06), 0, 5, 4)).isFalse();
        // peaked: H = 0.392 -> threshold = epsilon 0.09: p = 0.06 fails, 0.9 passes
        assertThat(rule.accepts(logProbabilities(0.9, 0.06, 0.04), 0, 3, 1)).isFalse();
        assertThat(rule.accepts(logProbabilities(0.9, 0.06, 0.04), 0, 3, 0)).isTrue();
        // temperature 2 flattens (0.9, 0.06, 0.04) to (0.68, 0.18, 0.14): token 1 now passes
        assertThat(new TypicalAcceptance(0.09, 0.3, 2.0).accepts(logProbabilities(0.9, 0.06, 0.04), 0, 3, 1)).isTrue();
    }
}
