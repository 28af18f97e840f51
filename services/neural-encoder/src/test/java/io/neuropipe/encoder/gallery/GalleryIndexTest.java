package io.neuropipe.encoder.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class GalleryIndexTest {

    private static GalleryIndex index(float[]... rows) {
        int dim = rows[0].length;
        float[] flat = new float[rows.length * dim];
        long[] ids = new long[rows.length];
        String[] labels = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * dim, dim);
            ids[i] = 100 + i;
            labels[i] = "e" + i;
        }
        return new GalleryIndex("g", 7, dim, ids, labels, flat);
    }

    private static float[][] gaussian(Random rnd, int rows, int dim) {
        float[][] out = new float[rows][dim];
        for (float[] r : out) {
            for (int j = 0; j < dim; j++) {
                r[j] = (float) rnd.nextGaussian();
            }
        }
        return out;
    }

    @Test
    void ranksByCosineNotByDotProduct() {
        // cosines with query (1, 0): e0 = 3/5 = 0.6, e1 = 1, e2 = 0, e3 = -1/sqrt(2); e0 has the largest dot product (30)
        GalleryIndex idx = index(new float[] {30, 40}, new float[] {2, 0}, new float[] {0, 5}, new float[] {-1, 1});
        List<RetrievalHit> hits = idx.topK(new float[] {4, 0}, 3);
        assertThat(hits).extracting(RetrievalHit::label).containsExactly("e1", "e0", "e2");
        assertThat(hits).extracting(RetrievalHit::rank).containsExactly(1, 2, 3);
        assertThat(hits).extracting(RetrievalHit::entryId).containsExactly(101L, 100L, 102L);
        assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-6f));
        assertThat(hits.get(1).score()).isCloseTo(0.6f, within(1e-6f));
        assertThat(hits.get(2).score()).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void kLargerThanTheGalleryReturnsEveryEntryAndTiesKeepEntryOrder() {
        GalleryIndex idx = index(new float[] {1, 1}, new float[] {2, 2}, new float[] {-1, 0});
        List<RetrievalHit> hits = idx.topK(new float[] {1, 1}, 10);
        assertThat(hits).extracting(RetrievalHit::label).containsExactly("e0", "e1", "e2");
        assertThat(hits.get(2).score()).isCloseTo((float) (-1 / Math.sqrt(2)), within(1e-6f));
    }

    @Test
    void matchesAFullSortOnRandomData() {
        Random rnd = new Random(3);
        int n = 2000;
        int dim = 16;
        float[][] rows = gaussian(rnd, n, dim);
        float[] q = gaussian(rnd, 1, dim)[0];
        double qn = Math.sqrt(IntStream.range(0, dim).mapToDouble(j -> q[j] * q[j]).sum());
        double[] cos = new double[n];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            double rn = 0;
            for (int j = 0; j < dim; j++) {
                dot += rows[i][j] * q[j];
                rn += rows[i][j] * rows[i][j];
            }
            cos[i] = dot / (Math.sqrt(rn) * qn);
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -cos[i]));
        List<RetrievalHit> hits = index(rows).topK(q, 25);
        for (int r = 0; r < 25; r++) {
            assertThat(hits.get(r).entryId()).isEqualTo(100L + order[r]);
            assertThat((double) hits.get(r).score()).isCloseTo(cos[order[r]], within(1e-5));
        }
    }

    @Test
    void badQueriesAreClearErrors() {
        GalleryIndex idx = index(new float[] {1, 0, 0});
        assertThatThrownBy(() -> idx.topK(new float[] {1, 0}, 1)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("2 values").hasMessageContaining("3-d")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH));
        assertThatThrownBy(() -> idx.topK(new float[] {Float.NaN, 0, 0}, 1)).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> idx.topK(new float[] {0, 0, 0}, 1)).hasMessageContaining("all zeros");
        assertThatThrownBy(() -> idx.topK(new float[] {1, 0, 0}, 0)).hasMessageContaining("k must be");
    }

    @Test
    void aBatchOfQueriesGivesEachQuerysOwnHitsInOnePass() {
        Random rnd = new Random(5);
        int n = 500;
        int dim = 12;
        int queries = 7;
        GalleryIndex idx = index(gaussian(rnd, n, dim));
        float[] batch = gaussian(rnd, 1, queries * dim)[0];
        List<List<RetrievalHit>> hits = idx.topK(batch, queries, 10);
        assertThat(hits).hasSize(queries);
        for (int q = 0; q < queries; q++) {
            assertThat(hits.get(q)).as("query %d", q).isEqualTo(idx.topK(Arrays.copyOfRange(batch, q * dim, (q + 1) * dim), 10));
        }
        assertThat(hits.get(0)).isNotEqualTo(hits.get(1));
    }

    @Test
    void aBatchWithABadRowOrShapeIsAClearError() {
        GalleryIndex idx = index(new float[] {1, 0, 0}, new float[] {0, 1, 0});
        assertThatThrownBy(() -> idx.topK(new float[] {1, 0, 0, 0, 1}, 2, 1)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("5 values").hasMessageContaining("2 x 3")
            .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.SHAPE_MISMATCH));
        assertThatThrownBy(() -> idx.topK(new float[] {1, 0, 0, 0, 0, 0}, 2, 1)).hasMessageContaining("(row 1) is all zeros");
        assertThat(idx.topK(new float[] {1, 0, 0, 0, 2, 0}, 2, 1)).extracting(h -> h.get(0).label()).containsExactly("e0", "e1");
    }
}
