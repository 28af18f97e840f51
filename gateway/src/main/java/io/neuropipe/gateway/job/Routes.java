package io.neuropipe.gateway.job;

import java.util.Optional;

import io.neuropipe.proto.v1.RouteNode;

/** Look-ups in a route tree. */
public final class Routes {

    private Routes() {
    }

    /** The node with id {@code id}, depth first. */
    public static Optional<RouteNode> find(RouteNode root, String id) {
        if (root.getId().equals(id)) {
            return Optional.of(root);
        }
        for (RouteNode next : root.getNextList()) {
            Optional<RouteNode> found = find(next, id);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
