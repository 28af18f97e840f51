package io.neuropipe.decoder.spec;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;

import io.neuropipe.runtime.model.OnnxModel;

/**
 * Idle {@link TreeWorkspace}s kept between requests, so a request neither allocates nor creates tensors for its tree
 * passes. Past slots are rounded up to {@link #SLOT_GRANULE} so requests of similar length share a workspace (the extra
 * slots are masked; they cost a little attention). Thread-safe; at most {@code maxIdle} are kept, the least recently
 * returned one is closed first.
 */
final class TreeWorkspaces implements AutoCloseable {

    static final int SLOT_GRANULE = 32;
    private final ConcurrentLinkedDeque<TreeWorkspace> idle = new ConcurrentLinkedDeque<>();
    private final int maxIdle;

    TreeWorkspaces(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** A workspace for {@code positions} cached positions and trees of up to {@code maxNodes} nodes. */
    TreeWorkspace take(OnnxModel model, int positions, int maxNodes, int draftWidth) {
        int slots = (positions + SLOT_GRANULE - 1) / SLOT_GRANULE * SLOT_GRANULE;
        for (Iterator<TreeWorkspace> it = idle.iterator(); it.hasNext(); ) {
            TreeWorkspace workspace = it.next();
            if (workspace.fits(slots, maxNodes, draftWidth) && idle.removeFirstOccurrence(workspace)) {
                return workspace;
            }
        }
        return new TreeWorkspace(model, slots, maxNodes, draftWidth);
    }

    void give(TreeWorkspace workspace) {
        idle.addFirst(workspace);
        while (idle.size() > maxIdle) {
            TreeWorkspace oldest = idle.pollLast();
            if (oldest != null) {
                oldest.close();
            }
        }
    }

    int idle() {
        return idle.size();
    }

    @Override
    public void close() {
        for (TreeWorkspace workspace; (workspace = idle.poll()) != null; ) {
            workspace.close();
        }
    }
}
