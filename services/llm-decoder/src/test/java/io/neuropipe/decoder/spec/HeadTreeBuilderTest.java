package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Level-by-level filling and confidence pruning of a candidate tree, with hand-picked draft probabilities. */
class HeadTreeBuilderTest {

    /** Root 9; paths 0;1;0,0;0,1;1,0;0,0,0. Depth 1 offers (tokens 10, 11 with p 0.6, 0.3); children of node x offer x*2, x*2+1. */
    private static DraftTree build(double minProbability) {
        TreeShape shape = TreeShape.parse("0;1;0,0;0,1;1,0;0,0,0");
        return HeadTreeBuilder.build(9, shape, minProbability, (parents, depth, tokens, parentOf, depthOf) -> {
            HeadTreeBuilder.Choices[] out = new HeadTreeBuilder.Choices[parents.length];
            for (int b = 0; b < parents.length; b++) {
                int t = tokens[parents[b]];
                out[b] = depth == 1 ? new HeadTreeBuilder.Choices(new int[] {10, 11}, new double[] {0.6, 0.3})
                    : new HeadTreeBuilder.Choices(new int[] {2 * t, 2 * t + 1}, new double[] {0.5, 0.2});
            }
            return out;
        });
    }

    @Test
    void fillsEveryNodeWithoutPruning() {
        DraftTree tree = build(0.0);
        // nodes: root 9 | 10, 11 | 20 (10's 1st), 21 (10's 2nd), 22 (11's 1st) | 40 (20's 1st)
        assertThat(tree.tokens()).containsExactly(9, 10, 11, 20, 21, 22, 40);
        assertThat(tree.parents()).containsExactly(-1, 0, 0, 1, 1, 2, 3);
        assertThat(tree.depths()).containsExactly(0, 1, 1, 2, 2, 2, 3);
    }

    @Test
    void dropsNodesWhosePathIsUnlikely() {
        // path probabilities: 10 .6, 11 .3, 20 .3, 21 .12, 22 .15, 40 .15 -> at 0.14: 21 dropped
        DraftTree tree = build(0.14);
        assertThat(tree.tokens()).containsExactly(9, 10, 11, 20, 22, 40);
        assertThat(tree.parents()).containsExactly(-1, 0, 0, 1, 2, 3);
        // at 0.2: 21, 22 and 40 dropped; at 0.35 only 10 is left below the root
        DraftTree narrow = build(0.2);
        assertThat(narrow.tokens()).containsExactly(9, 10, 11, 20);
        assertThat(narrow.parents()).containsExactly(-1, 0, 0, 1);
        assertThat(build(0.35).tokens()).containsExactly(9, 10);
        assertThat(build(0.9).tokens()).containsExactly(9);
    }

    @Test
    void topGivesSoftmaxProbabilitiesOfTheBest() {
        float[] logits = {0, (float) Math.log(3), 0, (float) Math.log(2)};
        HeadTreeBuilder.Choices c = HeadTreeBuilder.top(logits, 0, 4, 2);
        assertThat(c.tokens()).containsExactly(1, 3);
        assertThat(c.probabilities()[0]).isCloseTo(3.0 / 7, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(c.probabilities()[1]).isCloseTo(2.0 / 7, org.assertj.core.data.Offset.offset(1e-6));
    }
}
