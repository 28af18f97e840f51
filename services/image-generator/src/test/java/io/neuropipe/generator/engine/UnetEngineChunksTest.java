package io.neuropipe.generator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class UnetEngineChunksTest {

    @Test
    void callsAreGroupedInOrderUpToTheCardsMaxBatchSize() {
        assertThat(UnetEngine.chunks(List.of(2, 30, 32, 2, 2, 70, 4), Integer::intValue, 64))
            .containsExactly(List.of(2, 30, 32), List.of(2, 2), List.of(70), List.of(4));
        assertThat(UnetEngine.chunks(List.of(2, 30, 32, 2), Integer::intValue, 0)).containsExactly(List.of(2, 30, 32, 2));
    }
}
