package io.neuropipe.decoder.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which joining sequences share a prefill call. */
class PrefillPlannerTest {

    @Test
    void longestFirstAndNoSequencePaddedBeyondItsShare() {
        int[] lengths = {258, 7, 258, 260, 9, 40};
        assertThat(PrefillPlanner.plan(lengths, 0.25)).containsExactly(List.of(3, 0, 2), List.of(5), List.of(4, 1));
        assertThat(PrefillPlanner.plan(lengths, 0.0)).containsExactly(List.of(3), List.of(0, 2), List.of(5), List.of(4),
            List.of(1));
        assertThat(PrefillPlanner.plan(lengths, 0.9)).containsExactly(List.of(3, 0, 2, 5), List.of(4, 1));
        assertThat(PrefillPlanner.plan(lengths, 0.99)).containsExactly(List.of(3, 0, 2, 5, 4, 1));
        assertThat(PrefillPlanner.plan(new int[0], 0.25)).isEmpty();
    }
}
