package io.neuropipe.pruner.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark's caption scoring reads the primary shape's attributes the way the zoo's captions are written. */
class CaptionParseTest {

    @Test
    void readsThePrimaryShapeAndItsPosition() {
        assertThat(PruningBenchmark.parse("a small blue triangle on the right"))
            .containsEntry("size", "small").containsEntry("colour", "blue").containsEntry("shape", "triangle")
            .containsEntry("position", "right");
        assertThat(PruningBenchmark.parse("a large white star above a large yellow triangle"))
            .containsEntry("shape", "star").containsEntry("colour", "white").containsEntry("position", "top");
        assertThat(PruningBenchmark.parse("a large orange circle at the bottom")).containsEntry("position", "bottom");
        assertThat(PruningBenchmark.parse("a red")).isEmpty();
    }
}
