package io.neuropipe.decoder.spec;

import java.util.Arrays;

/**
 * A candidate tree to verify in one pass. Node 0 is the root: the token the base model already chose
 * (x_{t+1}); every other node is a drafted continuation of its parent. Nodes are ordered so that a parent
 * comes before its children.
 *
 * @param tokens  [N] token id of each node
 * @param parents [N] index of each node's parent, -1 for the root
 * @param depths  [N] 0 for the root, parent's depth + 1 otherwise
 */
public record DraftTree(int[] tokens, int[] parents, int[] depths) {

    public DraftTree {
        if (tokens.length == 0 || tokens.length != parents.length || tokens.length != depths.length) {
            throw new IllegalArgumentException("A draft tree needs one token, parent and depth per node, the root included");
        }
        if (parents[0] != -1 || depths[0] != 0) {
            throw new IllegalArgumentException("Node 0 must be the root (parent -1, depth 0)");
        }
        for (int i = 1; i < tokens.length; i++) {
            if (parents[i] < 0 || parents[i] >= i || depths[i] != depths[parents[i]] + 1) {
                throw new IllegalArgumentException("Node " + i + " has parent " + parents[i] + " and depth " + depths[i]
                    + "; a parent must precede its child and the child be one level deeper");
            }
        }
    }

    /** The root alone: a plain decoding step. */
    public static DraftTree root(int token) {
        return new DraftTree(new int[] {token}, new int[] {-1}, new int[] {0});
    }

    /** A single path: root followed by {@code drafts}. */
    public static DraftTree chain(int root, int[] drafts) {
        int n = drafts.length + 1;
        int[] tokens = new int[n];
        int[] parents = new int[n];
        int[] depths = new int[n];
        tokens[0] = root;
        parents[0] = -1;
        for (int i = 1; i < n; i++) {
            tokens[i] = drafts[i - 1];
            parents[i] = i - 1;
            depths[i] = i;
        }
        return new DraftTree(tokens, parents, depths);
    }

    public int size() {
        return tokens.length;
    }

    public int maxDepth() {
        return Arrays.stream(depths).max().orElse(0);
    }

    /**
     * This tree without the nodes deeper than {@code depth} (the tree itself when none is): every kept node's parent
     * is kept, and the nodes keep their order.
     */
    public DraftTree truncated(int depth) {
        int kept = 0;
        for (int d : depths) {
            if (d <= depth) {
                kept++;
            }
        }
        if (kept == tokens.length) {
            return this;
        }
        int[] index = new int[tokens.length];
        int[] keptTokens = new int[kept];
        int[] keptParents = new int[kept];
        int[] keptDepths = new int[kept];
        int next = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (depths[i] <= depth) {
                index[i] = next;
                keptTokens[next] = tokens[i];
                keptParents[next] = parents[i] < 0 ? -1 : index[parents[i]];
                keptDepths[next] = depths[i];
                next++;
            }
        }
        return new DraftTree(keptTokens, keptParents, keptDepths);
    }

    /** Whether {@code ancestor} is {@code node} itself or on its path to the root. */
    public boolean isAncestorOrSelf(int ancestor, int node) {
        for (int n = node; n >= 0; n = parents[n]) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }
}
