package io.neuropipe.decoder.spec;

import java.util.Arrays;

/**
 * A tree laid out as its root-to-leaf paths, for decoders without a tree-attention mask: the paths run as a batch
 * [B, L] with ordinary causal attention (L = tree depth + 1; a shorter path is padded by repeating its last token,
 * which only later positions see). Each node is read from the first path that holds it.
 *
 * @param tokens [B * L] token of each path position
 * @param rowOf  [N] the path (batch row) each node is read from
 * @param colOf  [N] the node's position in that path (= its depth)
 * @param paths  B
 * @param length L
 */
record PathBatch(int[] tokens, int[] rowOf, int[] colOf, int paths, int length) {

    static PathBatch of(DraftTree tree) {
        int n = tree.size();
        boolean[] hasChild = new boolean[n];
        for (int i = 1; i < n; i++) {
            hasChild[tree.parents()[i]] = true;
        }
        int[] leaves = java.util.stream.IntStream.range(0, n).filter(i -> !hasChild[i]).toArray();
        int length = tree.maxDepth() + 1;
        int[] tokens = new int[leaves.length * length];
        int[] rowOf = new int[n];
        int[] colOf = new int[n];
        Arrays.fill(rowOf, -1);
        for (int b = 0; b < leaves.length; b++) {
            int leaf = leaves[b];
            int depth = tree.depths()[leaf];
            Arrays.fill(tokens, b * length + depth, (b + 1) * length, tree.tokens()[leaf]);
            for (int node = leaf; node >= 0; node = tree.parents()[node]) {
                tokens[b * length + tree.depths()[node]] = tree.tokens()[node];
                if (rowOf[node] < 0) {
                    rowOf[node] = b;
                    colOf[node] = tree.depths()[node];
                }
            }
        }
        return new PathBatch(tokens, rowOf, colOf, leaves.length, length);
    }
}
