package io.neuropipe.decoder.spec;

/** Fills a {@link TreeShape} with tokens: node i's token is choice {@code choices[i]} of the candidates its parent offers. */
final class HeadTreeBuilder {

    private HeadTreeBuilder() {
    }

    /** Candidates for the children of a node, best first. */
    interface Candidates {
        int[] of(int parentNode, int depth);
    }

    static DraftTree build(int root, TreeShape shape, Candidates candidates) {
        int[] parents = shape.parents();
        int[] depths = shape.depths();
        int[] choices = shape.choices();
        int[] tokens = new int[shape.nodes()];
        tokens[0] = root;
        for (int i = 1; i < tokens.length; i++) {
            tokens[i] = candidates.of(parents[i], depths[i])[choices[i]];
        }
        return new DraftTree(tokens, parents, depths);
    }
}
