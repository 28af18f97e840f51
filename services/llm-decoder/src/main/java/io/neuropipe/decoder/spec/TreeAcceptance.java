package io.neuropipe.decoder.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.neuropipe.decoder.domain.RepetitionPenalty;
import io.neuropipe.decoder.domain.Sampler;

/**
 * Picks the longest path of the tree whose every drafted token the rule accepts at its parent (ties: the higher
 * summed log-probability), then the bonus token from the last accepted node's logits. The repetition penalty is
 * applied per node with the tokens generated before it on its own path, exactly as plain decoding would.
 */
public final class TreeAcceptance {

    private TreeAcceptance() {
    }

    /**
     * @param logits    [N * vocab] base model logits of every tree node
     * @param generated tokens generated so far, the root included
     */
    public static Acceptance accept(DraftTree tree, float[] logits, int vocab, AcceptanceRule rule, Sampler sampler,
                                    List<Integer> generated, double penalty) {
        int n = tree.size();
        Rows rows = new Rows(tree, logits, vocab, generated, penalty);
        boolean[] ok = new boolean[n];
        double[] score = new double[n];
        ok[0] = true;
        int best = 0;
        for (int i = 1; i < n; i++) {
            int parent = tree.parents()[i];
            if (!ok[parent]) {
                continue;
            }
            float[] row = rows.of(parent);
            int offset = rows.offset(parent);
            int token = tree.tokens()[i];
            if (rule.accepts(row, offset, vocab, token)) {
                ok[i] = true;
                score[i] = Double.NaN;
                int depth = tree.depths()[i];
                if (depth > tree.depths()[best]) {
                    best = i;
                } else if (depth == tree.depths()[best] && score(tree, rows, score, i) > score(tree, rows, score, best)) {
                    best = i;
                }
            }
        }
        int[] path = new int[tree.depths()[best] + 1];
        for (int node = best, k = path.length - 1; node >= 0; node = tree.parents()[node], k--) {
            path[k] = node;
        }
        int bonus = sampler.next(Arrays.copyOfRange(rows.of(best), rows.offset(best), rows.offset(best) + vocab));
        return new Acceptance(path, bonus);
    }

    /**
     * Summed log-probability of the drafted tokens on the path to {@code node}; only needed to break a tie between
     * two accepted paths of the same depth (never under greedy acceptance, where at most one sibling is accepted), so
     * computed on demand.
     */
    private static double score(DraftTree tree, Rows rows, double[] score, int node) {
        if (node == 0) {
            return 0;
        }
        if (Double.isNaN(score[node])) {
            int parent = tree.parents()[node];
            score[node] = score(tree, rows, score, parent)
                + logProbability(rows.of(parent), rows.offset(parent), rows.vocab, tree.tokens()[node]);
        }
        return score[node];
    }

    /** Each node's logits row; with a repetition penalty a penalised copy per node, else a view into the pass's logits. */
    private static final class Rows {

        private final DraftTree tree;
        private final float[] logits;
        private final int vocab;
        private final List<Integer> generated;
        private final double penalty;
        private final float[][] penalised;

        Rows(DraftTree tree, float[] logits, int vocab, List<Integer> generated, double penalty) {
            this.tree = tree;
            this.logits = logits;
            this.vocab = vocab;
            this.generated = generated;
            this.penalty = penalty;
            this.penalised = penalty == 1.0 ? null : new float[tree.size()][];
        }

        float[] of(int node) {
            if (penalised == null) {
                return logits;
            }
            if (penalised[node] == null) {
                float[] row = Arrays.copyOfRange(logits, node * vocab, (node + 1) * vocab);
                List<Integer> history = new ArrayList<>(generated);
                List<Integer> onPath = new ArrayList<>();
                for (int k = node; k > 0; k = tree.parents()[k]) {
                    onPath.add(0, tree.tokens()[k]);
                }
                history.addAll(onPath);
                RepetitionPenalty.apply(row, history, penalty);
                penalised[node] = row;
            }
            return penalised[node];
        }

        int offset(int node) {
            return penalised == null ? node * vocab : 0;
        }
    }

    private static double logProbability(float[] row, int offset, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, row[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(row[offset + i] - max);
        }
        return row[offset + token] - max - Math.log(sum);
    }
}
