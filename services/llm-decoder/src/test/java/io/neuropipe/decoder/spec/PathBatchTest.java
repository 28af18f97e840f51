package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Root-to-leaf path layout of the hand-built tree root(4) -> a(1) -> c(3) -> d(0), root -> b(2). */
class PathBatchTest {

    @Test
    void pathsArePaddedByRepeatingTheirLastTokenAndEachNodeReadFromItsFirstPath() {
        PathBatch batch = PathBatch.of(TreeMaskTest.handBuilt());
        // leaves in node order: b (2), d (4) -> paths [4, 2, 2, 2] and [4, 1, 3, 0]
        assertThat(batch.paths()).isEqualTo(2);
        assertThat(batch.length()).isEqualTo(4);
        assertThat(batch.tokens()).containsExactly(4, 2, 2, 2, 4, 1, 3, 0);
        assertThat(batch.rowOf()).containsExactly(0, 1, 0, 1, 1);
        assertThat(batch.colOf()).containsExactly(0, 1, 1, 2, 3);
    }

    @Test
    void aLoneRootIsOnePathOfOne() {
        PathBatch batch = PathBatch.of(DraftTree.root(7));
        assertThat(batch.tokens()).containsExactly(7);
        assertThat(batch.rowOf()).containsExactly(0);
    }
}
