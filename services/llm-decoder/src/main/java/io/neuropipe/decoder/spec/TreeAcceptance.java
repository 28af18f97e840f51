package io.neuropipe.decoder.spec;

import java.util.ArrayList;
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
        float[][] rows = new float[n][];
        boolean[] ok = new boolean[n];
        double[] score = new double[n];
        ok[0] = true;
        int best = 0;
        for (int i = 1; i < n; i++) {
            int parent = tree.parents()[i];
            if (!ok[parent]) {
                continue;
            }
            float[] row = row(tree, logits, vocab, parent, rows, generated, penalty);
            int token = tree.tokens()[i];
            if (rule.accepts(row, 0, vocab, token)) {
                ok[i] = true;
                score[i] = score[parent] + logProbability(row, vocab, token);
                if (tree.depths()[i] > tree.depths()[best] || tree.depths()[i] == tree.depths()[best] && score[i] > score[best]) {
                    best = i;
                }
            }
        }
        int[] path = new int[tree.depths()[best] + 1];
        for (int node = best, k = path.length - 1; node >= 0; node = tree.parents()[node], k--) {
            path[k] = node;
        }
        int bonus = sampler.next(row(tree, logits, vocab, best, rows, generated, penalty).clone());
        return new Acceptance(path, bonus);
    }

    private static float[] row(DraftTree tree, float[] logits, int vocab, int node, float[][] rows, List<Integer> generated,
                               double penalty) {
        if (rows[node] == null) {
            float[] row = new float[vocab];
            System.arraycopy(logits, node * vocab, row, 0, vocab);
            if (penalty != 1.0) {
                List<Integer> history = new ArrayList<>(generated);
                List<Integer> onPath = new ArrayList<>();
                for (int k = node; k > 0; k = tree.parents()[k]) {
                    onPath.add(0, tree.tokens()[k]);
                }
                history.addAll(onPath);
                RepetitionPenalty.apply(row, history, penalty);
            }
            rows[node] = row;
        }
        return rows[node];
    }

    private static double logProbability(float[] row, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, row[i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(row[i] - max);
        }
        return row[token] - max - Math.log(sum);
    }
}
