package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TreeWorkspacesTest {

    private static ModelRepository models;
    private static OnnxModel treeLm;

    @BeforeAll
    static void load() {
        models = ZooRequests.repository();
        treeLm = models.model("lm-tree");
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @Test
    void aRequestOfTheSameSlotBucketReusesTheWorkspaceAndItsTensors() {
        try (TreeWorkspaces pool = new TreeWorkspaces(4)) {
            TreeWorkspace first = pool.take(treeLm, 259, 20, 0);
            assertThat(first.slots()).isEqualTo(288);
            TreeWorkspace.Pass pass = first.stage(DraftTree.root(5), new float[128], new long[] {259}, 259);
            pool.give(first);
            TreeWorkspace again = pool.take(treeLm, 270, 8, 0);
            assertThat(again).isSameAs(first);
            assertThat(again.stage(DraftTree.root(6), new float[128], new long[] {260}, 260)).isSameAs(pass);
            assertThat(pool.idle()).isZero();
        }
    }

    @Test
    void anotherBucketALargerTreeOrAFusedGraphGetsItsOwnWorkspace() {
        try (TreeWorkspaces pool = new TreeWorkspaces(4)) {
            TreeWorkspace first = pool.take(treeLm, 259, 8, 0);
            pool.give(first);
            assertThat(pool.take(treeLm, 300, 8, 0)).isNotSameAs(first);
            assertThat(pool.take(treeLm, 259, 9, 0)).isNotSameAs(first);
            assertThat(pool.take(treeLm, 259, 8, 3 * 189)).isNotSameAs(first);
            assertThat(pool.idle()).isEqualTo(1);
        }
    }

    @Test
    void keepsAtMostMaxIdleAndRejectsATreeLargerThanItWasSizedFor() {
        try (TreeWorkspaces pool = new TreeWorkspaces(2)) {
            TreeWorkspace small = pool.take(treeLm, 10, 2, 0);
            assertThatThrownBy(() -> small.stage(DraftTree.chain(1, new int[] {2, 3}), new float[3 * 128], new long[3], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 nodes");
            for (int i = 0; i < 3; i++) {
                pool.give(pool.take(treeLm, 64 * (i + 1), 2, 0));
            }
            pool.give(small);
            assertThat(pool.idle()).isEqualTo(2);
        }
    }
}
