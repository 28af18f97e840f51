package io.neuropipe.decoder.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which candidates a head-based proposer drafts, as Medusa's {@code medusa_choices}: each path
 * {@code [i0, i1, ...]} is a tree node at depth = path length whose token is the i_d-th most likely
 * choice at depth d (Medusa: of head d; Hydra: of the head conditioned on the node's ancestors).
 * Written as text, paths are separated by {@code ;} and indices by {@code ,}: {@code "0;1;0,0;0,1;0,0,0"}.
 * Paths are kept sorted by length, then lexicographically, so a parent always precedes its children.
 * Immutable; the node layout (parents, depths, choices, top-k per depth) is computed once, since proposers read it
 * every decoding step.
 */
public final class TreeShape {

    private final List<int[]> paths;
    private final int[] parents;
    private final int[] depths;
    private final int[] choices;
    private final int[] topK;
    private final boolean[] hasChildren;

    /** @param paths the non-root nodes; every prefix of a path is itself a path */
    public TreeShape(List<int[]> paths) {
        List<int[]> sorted = new ArrayList<>(paths);
        sorted.sort(Comparator.<int[]>comparingInt(p -> p.length).thenComparing(Arrays::compare));
        Set<List<Integer>> seen = new HashSet<>();
        for (int[] path : sorted) {
            if (path.length == 0) {
                throw new IllegalArgumentException("A tree path must not be empty");
            }
            for (int choice : path) {
                if (choice < 0) {
                    throw new IllegalArgumentException("Tree path " + Arrays.toString(path) + " has a negative choice");
                }
            }
            if (path.length > 1 && !seen.contains(key(Arrays.copyOf(path, path.length - 1)))) {
                throw new IllegalArgumentException("Tree path " + Arrays.toString(path) + " lacks its parent path "
                    + Arrays.toString(Arrays.copyOf(path, path.length - 1)));
            }
            if (!seen.add(key(path))) {
                throw new IllegalArgumentException("Tree path " + Arrays.toString(path) + " is listed twice");
            }
        }
        this.paths = List.copyOf(sorted);
        int n = sorted.size() + 1;
        this.parents = new int[n];
        this.depths = new int[n];
        this.choices = new int[n];
        this.hasChildren = new boolean[n];
        parents[0] = -1;
        int depth = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int[] path = sorted.get(i);
            parents[i + 1] = path.length == 1 ? 0 : indexOf(Arrays.copyOf(path, path.length - 1)) + 1;
            depths[i + 1] = path.length;
            choices[i + 1] = path[path.length - 1];
            hasChildren[parents[i + 1]] = true;
            depth = Math.max(depth, path.length);
        }
        this.topK = new int[depth + 1];
        for (int[] path : sorted) {
            topK[path.length] = Math.max(topK[path.length], path[path.length - 1] + 1);
        }
    }

    /** The non-root nodes as choice paths, sorted by length then lexicographically. */
    public List<int[]> paths() {
        return paths;
    }

    public static TreeShape parse(String text) {
        List<int[]> paths = new ArrayList<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                paths.add(Arrays.stream(part.trim().split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Tree path '" + part.trim() + "' is not a list of integers", e);
            }
        }
        return new TreeShape(paths);
    }

    private static List<Integer> key(int[] path) {
        return Arrays.stream(path).boxed().toList();
    }

    /** Number of nodes, the root included. */
    public int nodes() {
        return paths.size() + 1;
    }

    public int depth() {
        return topK.length - 1;
    }

    /** Most choices any node at {@code depth} (1-based) takes: the top-k to compute there. */
    public int topK(int depth) {
        return depth < topK.length ? topK[depth] : 0;
    }

    /** [nodes] parent node of each node (node 0 = root, node i + 1 = path i). */
    public int[] parents() {
        return parents.clone();
    }

    /** [nodes] depth of each node. */
    public int[] depths() {
        return depths.clone();
    }

    /** [nodes] the choice index of each node among its depth's candidates (root: 0). */
    public int[] choices() {
        return choices.clone();
    }

    /** Whether {@code node} has children in the shape. */
    boolean hasChildren(int node) {
        return hasChildren[node];
    }

    private int indexOf(int[] path) {
        for (int i = 0; i < paths.size(); i++) {
            if (Arrays.equals(paths.get(i), path)) {
                return i;
            }
        }
        throw new IllegalStateException("missing parent path " + Arrays.toString(path));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TreeShape shape && toString().equals(shape.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int[] path : paths) {
            if (!text.isEmpty()) {
                text.append(';');
            }
            text.append(String.join(",", Arrays.stream(path).mapToObj(Integer::toString).toList()));
        }
        return text.toString();
    }
}
