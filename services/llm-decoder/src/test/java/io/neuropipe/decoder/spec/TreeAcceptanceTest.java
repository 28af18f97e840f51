package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.neuropipe.decoder.domain.GreedySampler;
import org.junit.jupiter.api.Test;

/**
 * Acceptance on the hand-built tree root(token 4) -> a(1) -> c(3) -> d(0), root -> b(2), vocabulary of 5, with
 * per-node logits chosen so the expected path is clear by inspection.
 */
class TreeAcceptanceTest {

    private static final int V = 5;
    private final DraftTree tree = TreeMaskTest.handBuilt();

    private static float[] rows(float[]... rows) {
        float[] all = new float[rows.length * V];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, all, i * V, V);
        }
        return all;
    }

    private Acceptance greedy(float[] logits, List<Integer> generated, double penalty) {
        return TreeAcceptance.accept(tree, logits, V, new GreedyAcceptance(), new GreedySampler(), generated, penalty);
    }

    @Test
    void followsTheArgmaxIntoTheShortBranch() {
        float[] logits = rows(
            new float[] {0, 1, 3, 0, 0},   // root: argmax 2 = b
            new float[] {0, 0, 0, 9, 0},
            new float[] {0, 0, 0, 0, 7},   // b: argmax 4 = bonus
            new float[] {0, 0, 0, 0, 0},
            new float[] {0, 0, 0, 0, 0});
        Acceptance a = greedy(logits, List.of(4), 1.0);
        assertThat(a.path()).containsExactly(0, 2);
        assertThat(a.bonus()).isEqualTo(4);
        assertThat(a.acceptedDrafts()).isEqualTo(1);
    }

    @Test
    void stopsAtTheFirstMismatchOnTheLongBranch() {
        float[] logits = rows(
            new float[] {0, 5, 3, 0, 0},   // root: argmax 1 = a
            new float[] {0, 0, 0, 2, 1},   // a: argmax 3 = c
            new float[] {9, 0, 0, 0, 0},
            new float[] {0, 6, 0, 0, 0},   // c: argmax 1, but d is token 0 -> rejected, bonus 1
            new float[] {0, 0, 0, 0, 0});
        Acceptance a = greedy(logits, List.of(4), 1.0);
        assertThat(a.path()).containsExactly(0, 1, 3);
        assertThat(a.bonus()).isEqualTo(1);
    }

    @Test
    void acceptsTheWholeLongBranch() {
        float[] logits = rows(
            new float[] {0, 5, 3, 0, 0},
            new float[] {0, 0, 0, 2, 1},
            new float[] {0, 0, 0, 0, 0},
            new float[] {4, 0, 0, 0, 0},   // c: argmax 0 = d
            new float[] {0, 0, 8, 0, 0});  // d: bonus 2
        Acceptance a = greedy(logits, List.of(4), 1.0);
        assertThat(a.path()).containsExactly(0, 1, 3, 4);
        assertThat(a.bonus()).isEqualTo(2);
    }

    @Test
    void rejectsEverythingWhenTheRootsArgmaxIsNoChild() {
        float[] logits = rows(
            new float[] {0, 1, 1, 6, 0},
            new float[] {0, 0, 0, 0, 0},
            new float[] {0, 0, 0, 0, 0},
            new float[] {0, 0, 0, 0, 0},
            new float[] {0, 0, 0, 0, 0});
        Acceptance a = greedy(logits, List.of(4), 1.0);
        assertThat(a.path()).containsExactly(0);
        assertThat(a.bonus()).isEqualTo(3);
    }

    @Test
    void repetitionPenaltyCountsTheTokensOnEachNodesOwnPath() {
        float[] logits = rows(
            new float[] {0, 3, 0, 0, 5},   // penalty 2 on generated 4: 5 -> 2.5, argmax 1 = a
            new float[] {0, 4, 0, 3, 0},   // a's path holds 1: 4 -> 2, argmax 3 = c
            new float[] {0, 0, 0, 0, 0},
            new float[] {0, 0, 0, 0, 1},   // c: 4 penalised 1 -> 0.5, 0.5 > 0 -> bonus 4, d (0) rejected
            new float[] {0, 0, 0, 0, 0});
        Acceptance with = greedy(logits, List.of(4), 2.0);
        assertThat(with.path()).containsExactly(0, 1, 3);
        assertThat(with.bonus()).isEqualTo(4);
        Acceptance without = greedy(logits, List.of(4), 1.0);
        assertThat(without.path()).containsExactly(0);
        assertThat(without.bonus()).isEqualTo(4);
    }

    @Test
    void typicalAcceptanceTakesTheLongestPlausiblePath() {
        float[] plausible = {(float) Math.log(0.4), (float) Math.log(0.3), (float) Math.log(0.2), (float) Math.log(0.05),
            (float) Math.log(0.05)};
        float[] logits = rows(plausible, plausible, plausible, plausible, plausible);
        // a (p 0.3), c (p 0.05 < threshold) -> only depth 1; a (0.3) beats b (0.2) on log-probability
        Acceptance a = TreeAcceptance.accept(tree, logits, V, new TypicalAcceptance(0.09, 0.3, 1.0), new GreedySampler(),
            List.of(4), 1.0);
        assertThat(a.path()).containsExactly(0, 1);
    }
}
