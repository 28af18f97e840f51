package io.neuropipe.decoder.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class MultimodalOptionsParserTest {

    @Test
    void mapsOutlierGridPositionsToPrefixRows() {
        assertThat(MultimodalOptionsParser.outlierRows(new long[] {17, 3}, new long[] {3, 10, 17, 40})).containsExactly(0, 2);
    }

    @Test
    void rejectsOutliersThatAreNotAmongThePositionsOrRepeated() {
        assertThatThrownBy(() -> MultimodalOptionsParser.outlierRows(new long[] {11}, new long[] {3, 10, 17}))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("position 11 is not among vision_positions");
        assertThatThrownBy(() -> MultimodalOptionsParser.outlierRows(new long[] {10, 10}, new long[] {3, 10, 17}))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("twice");
    }
}
