package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Cutting a hand-built tree at a depth. */
class DraftTreeTest {

    /** root(0) -> a(1) -> c(3) -> e(5); root -> b(2) -> d(4). */
    private static DraftTree handBuilt() {
        return new DraftTree(new int[] {9, 1, 2, 3, 4, 5}, new int[] {-1, 0, 0, 1, 2, 3}, new int[] {0, 1, 1, 2, 2, 3});
    }

    @Test
    void truncatedKeepsTheNodesUpToTheDepthWithTheirParentsRenumbered() {
        DraftTree two = handBuilt().truncated(2);
        assertThat(two.tokens()).containsExactly(9, 1, 2, 3, 4);
        assertThat(two.parents()).containsExactly(-1, 0, 0, 1, 2);
        assertThat(two.depths()).containsExactly(0, 1, 1, 2, 2);
        DraftTree one = handBuilt().truncated(1);
        assertThat(one.tokens()).containsExactly(9, 1, 2);
        assertThat(one.maxDepth()).isEqualTo(1);
        assertThat(handBuilt().truncated(0).tokens()).containsExactly(9);
    }

    @Test
    void truncatedAtOrBelowItsDepthIsTheTreeItself() {
        DraftTree tree = handBuilt();
        assertThat(tree.truncated(3)).isSameAs(tree);
        assertThat(tree.truncated(64)).isSameAs(tree);
    }

    @Test
    void aChainCutKeepsItsPrefix() {
        DraftTree chain = DraftTree.chain(7, new int[] {8, 9, 10}).truncated(2);
        assertThat(chain.tokens()).containsExactly(7, 8, 9);
        assertThat(chain.parents()).containsExactly(-1, 0, 1);
    }
}
