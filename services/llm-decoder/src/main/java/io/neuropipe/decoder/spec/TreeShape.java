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
 *
 * @param paths the non-root nodes; every prefix of a path is itself a path
 */
public record TreeShape(List<int[]> paths) {

    public TreeShape {
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
        paths = List.copyOf(sorted);
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
        return paths.stream().mapToInt(p -> p.length).max().orElse(0);
    }

    /** Most choices any node at {@code depth} (1-based) takes: the top-k to compute there. */
    public int topK(int depth) {
        return paths.stream().filter(p -> p.length == depth).mapToInt(p -> p[depth - 1] + 1).max().orElse(0);
    }

    /** [nodes] parent node of each node (node 0 = root, node i + 1 = path i). */
    public int[] parents() {
        int[] parents = new int[nodes()];
        parents[0] = -1;
        for (int i = 0; i < paths.size(); i++) {
            int[] path = paths.get(i);
            parents[i + 1] = path.length == 1 ? 0 : indexOf(Arrays.copyOf(path, path.length - 1)) + 1;
        }
        return parents;
    }

    /** [nodes] depth of each node. */
    public int[] depths() {
        int[] depths = new int[nodes()];
        for (int i = 0; i < paths.size(); i++) {
            depths[i + 1] = paths.get(i).length;
        }
        return depths;
    }

    /** [nodes] the choice index of each node among its depth's candidates (root: 0). */
    public int[] choices() {
        int[] choices = new int[nodes()];
        for (int i = 0; i < paths.size(); i++) {
            int[] path = paths.get(i);
            choices[i + 1] = path[path.length - 1];
        }
        return choices;
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
