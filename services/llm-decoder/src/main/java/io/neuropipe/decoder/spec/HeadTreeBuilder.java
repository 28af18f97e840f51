package io.neuropipe.decoder.spec;

import java.util.Arrays;

/**
 * Fills a {@link TreeShape} with drafted tokens level by level: node i gets choice {@code choices[i]} of the
 * candidates offered for its parent. A node is dropped (with its subtree) when the product of the draft
 * probabilities along its path falls below {@code minProbability}, so confident steps verify a deep narrow tree and
 * uncertain ones a small tree. Verification is exact whatever is dropped, so this only trades speed.
 */
final class HeadTreeBuilder {

    private HeadTreeBuilder() {
    }

    /**
     * Candidate children, best first, with their draft probabilities.
     *
     * @param tokens        [k] token ids
     * @param probabilities [k] draft-head probabilities of those tokens
     */
    record Choices(int[] tokens, double[] probabilities) {
    }

    /** Offers children for the kept {@code parents} (node indices) at {@code depth} - 1, given the tokens so far. */
    interface Expander {
        Choices[] expand(int[] parents, int depth, int[] tokens, int[] parentOf, int[] depthOf);
    }

    static DraftTree build(int root, TreeShape shape, double minProbability, Expander expander) {
        int[] parents = shape.parents();
        int[] depths = shape.depths();
        int[] choices = shape.choices();
        int n = shape.nodes();
        int[] tokens = new int[n];
        double[] pathProbability = new double[n];
        boolean[] kept = new boolean[n];
        tokens[0] = root;
        pathProbability[0] = 1.0;
        kept[0] = true;
        int[] candidates = new int[n];
        for (int d = 1; d <= shape.depth(); d++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (kept[i] && depths[i] == d - 1 && shape.hasChildren(i)) {
                    candidates[count++] = i;
                }
            }
            if (count == 0) {
                break;
            }
            int[] expand = Arrays.copyOf(candidates, count);
            Choices[] offered = expander.expand(expand, d, tokens, parents, depths);
            for (int i = 1; i < n; i++) {
                if (depths[i] != d || !kept[parents[i]]) {
                    continue;
                }
                Choices c = offered[Arrays.binarySearch(expand, parents[i])];
                double p = pathProbability[parents[i]] * c.probabilities()[choices[i]];
                if (p >= minProbability) {
                    kept[i] = true;
                    tokens[i] = c.tokens()[choices[i]];
                    pathProbability[i] = p;
                }
            }
        }
        return compact(tokens, parents, depths, kept);
    }

    private static DraftTree compact(int[] tokens, int[] parents, int[] depths, boolean[] kept) {
        int[] index = new int[tokens.length];
        int count = 0;
        for (int i = 0; i < tokens.length; i++) {
            index[i] = kept[i] ? count++ : -1;
        }
        int[] t = new int[count];
        int[] p = new int[count];
        int[] d = new int[count];
        for (int i = 0; i < tokens.length; i++) {
            if (kept[i]) {
                t[index[i]] = tokens[i];
                p[index[i]] = i == 0 ? -1 : index[parents[i]];
                d[index[i]] = depths[i];
            }
        }
        return new DraftTree(t, p, d);
    }

    /** The top {@code k} of a logits row with their softmax probabilities. */
    static Choices top(float[] logits, int offset, int vocab, int k) {
        int[] tokens = TopK.of(logits, offset, vocab, k);
        float max = logits[offset + tokens[0]];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        double[] probabilities = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            probabilities[i] = Math.exp(logits[offset + tokens[i]] - max) / sum;
        }
        return new Choices(tokens, probabilities);
    }
}
