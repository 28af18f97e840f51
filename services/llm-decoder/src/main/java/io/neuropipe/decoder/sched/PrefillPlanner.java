package io.neuropipe.decoder.sched;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups the sequences that join before a decode step into prefill calls. Rows of one call are padded to its longest, so
 * the longest go first and a call takes a sequence only while that sequence's padding is within {@code maxPadding} of the
 * call's width: an image prompt (258 rows) is never padded out for a brain prompt (7 rows); equal prompts always share.
 */
final class PrefillPlanner {

    private PrefillPlanner() {
    }

    /** Indices into {@code lengths}, one list per prefill call. */
    static List<List<Integer>> plan(int[] lengths, double maxPadding) {
        List<Integer> order = IntStream.range(0, lengths.length).boxed()
            .sorted(Comparator.comparingInt((Integer i) -> lengths[i]).reversed()).toList();
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> group = null;
        for (int i : order) {
            if (group == null || lengths[group.get(0)] - lengths[i] > maxPadding * lengths[group.get(0)]) {
                group = new ArrayList<>();
                groups.add(group);
            }
            group.add(i);
        }
        return groups;
    }
}
