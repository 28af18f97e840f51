package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Masks of hand-built trees against masks written out by hand. */
class TreeMaskTest {

    private static final float M = TreeMask.MASKED;

    /** root(0) -> a(1) -> c(3) -> d(4); root -> b(2). */
    static DraftTree handBuilt() {
        return new DraftTree(new int[] {4, 1, 2, 3, 0}, new int[] {-1, 0, 0, 1, 3}, new int[] {0, 1, 1, 2, 3});
    }

    @Test
    void eachNodeSeesThePastItsAncestorsAndItselfOnly() {
        float[] expected = {
            0, 0, 0, M, M, M, M,
            0, 0, 0, 0, M, M, M,
            0, 0, 0, M, 0, M, M,
            0, 0, 0, 0, M, 0, M,
            0, 0, 0, 0, M, 0, 0,
        };
        assertThat(TreeMask.tree(handBuilt(), 2)).containsExactly(expected);
    }

    @Test
    void unfilledSlotsOfAFixedPastAreHiddenFromEveryNode() {
        float[] mask = new float[5 * 9];
        java.util.Arrays.fill(mask, 7f);
        TreeMask.tree(handBuilt(), 2, 4, mask);
        float[] expected = {
            0, 0, M, M, 0, M, M, M, M,
            0, 0, M, M, 0, 0, M, M, M,
            0, 0, M, M, 0, M, 0, M, M,
            0, 0, M, M, 0, 0, M, 0, M,
            0, 0, M, M, 0, 0, M, 0, 0,
        };
        assertThat(mask).containsExactly(expected);
    }

    @Test
    void aChainIsCausal() {
        DraftTree chain = DraftTree.chain(7, new int[] {8, 9});
        assertThat(TreeMask.tree(chain, 1)).containsExactly(TreeMask.causal(3, 1));
        assertThat(TreeMask.causal(3, 1)).containsExactly(
            0, 0, M, M,
            0, 0, 0, M,
            0, 0, 0, 0);
    }

    @Test
    void withoutPastTheRootSeesOnlyItself() {
        assertThat(TreeMask.tree(DraftTree.root(5), 0)).containsExactly(0f);
    }

    @Test
    void aTreeRejectsAChildBeforeItsParentOrAWrongDepth() {
        assertThatThrownBy(() -> new DraftTree(new int[] {1, 2, 3}, new int[] {-1, 2, 0}, new int[] {0, 2, 1}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Node 1");
        assertThatThrownBy(() -> new DraftTree(new int[] {1, 2}, new int[] {-1, 0}, new int[] {0, 2}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one level deeper");
    }
}
