package io.neuropipe.runtime.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.neuropipe.proto.v1.RouteNode;

/** Look-ups in a route tree. */
public final class Routes {

    private Routes() {
    }

    public static Optional<RouteNode> find(RouteNode root, String id) {
        if (root.getId().equals(id)) {
            return Optional.of(root);
        }
        for (RouteNode child : root.getNextList()) {
            Optional<RouteNode> found = find(child, id);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Ids of every leaf (node without children) of the route. */
    public static List<String> leafIds(RouteNode root) {
        List<String> leaves = new ArrayList<>();
        collectLeaves(root, leaves);
        return leaves;
    }

    private static void collectLeaves(RouteNode node, List<String> leaves) {
        if (node.getNextCount() == 0) {
            leaves.add(node.getId());
        }
        for (RouteNode child : node.getNextList()) {
            collectLeaves(child, leaves);
        }
    }
}
