package io.neuropipe.decoder.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** ZipCache's quantizers on small matrices whose results were worked out by hand (see each comment). */
class ZipCacheQuantizationTest {

    @Test
    void codesArePackedLowBitsFirst() {
        byte[] packed = PackedCodes.pack(new int[] {1, 2, 3, 0, 1}, 5, 2);
        // 1 | 2<<2 | 3<<4 | 0<<6 = 57, then 1
        assertThat(packed).containsExactly(57, 1);
        assertThat(PackedCodes.get(packed, 2, 2)).isEqualTo(3);
        assertThat(PackedCodes.get(PackedCodes.pack(new int[] {15, 9, 4}, 3, 4), 1, 4)).isEqualTo(9);
    }

    @Test
    void keysAreQuantizedPerChannelWithinEachSaliencyGroup() {
        float[] k = {
            0.0f, 1.0f,   // t0 salient
            1.0f, -1.0f,  // t1
            1.5f, 2.5f,   // t2 salient
            4.0f, 0.5f,   // t3
            0.74f, 1.0f,  // t4 salient
            2.4f, 0.0f};  // t5
        boolean[] salient = {true, false, true, false, true, false};
        QuantizedKeys q = KeyQuantizer.quantize(k, 0, 6, 2, salient, 4, 2);
        // salient, 4 bits: channel 0 in [0, 1.5] -> step 0.1, 0.74 -> code 7 -> 0.7; channel 1 in [1, 2.5]
        // regular, 2 bits: channel 0 in [1, 4] -> step 1, 2.4 -> code 1 -> 2.0; channel 1 in [-1, 0.5] -> step 0.5
        assertThat(q.highMin()).containsExactly(0f, 1f);
        assertThat(q.highStep()[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(q.lowMin()).containsExactly(1f, -1f);
        assertThat(q.lowStep()).containsExactly(1f, 0.5f);
        float[] restored = new float[12];
        KeyQuantizer.dequantize(q, 6, restored, 0);
        float[] expected = {0f, 1f, 1f, -1f, 1.5f, 2.5f, 4f, 0.5f, 0.7f, 1f, 2f, 0f};
        for (int i = 0; i < 12; i++) {
            assertThat(restored[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
        }
        // 6 salient codes at 4 bits = 3 bytes, 6 regular codes at 2 bits = 2 bytes, 8 float parameters = 32 bytes
        assertThat(q.bytes()).isEqualTo(37);
    }

    @Test
    void valuesAreScaledPerChannelThenQuantizedPerToken() {
        float[] v = {
            1.0f, -4.0f, 0.0f,   // t0 salient
            0.25f, 2.0f, 0.5f};  // t1
        QuantizedValues q = ValueQuantizer.quantize(v, 0, 2, 3, new boolean[] {true, false}, 4, 2);
        // channel scales sqrt(max |v|): 1, 2, sqrt(0.5)
        assertThat(q.channelScale()[0]).isEqualTo(1f);
        assertThat(q.channelScale()[1]).isEqualTo(2f);
        assertThat(q.channelScale()[2]).isCloseTo(0.70710677f, within(1e-6f));
        // t0 scaled [1, -2, 0], 4 bits: min -2, step 0.2 -> exact; t1 scaled [0.25, 1, 0.7071], 2 bits: min 0.25, step 0.25,
        // 0.7071 -> code round(1.83) = 2 -> 0.75 -> * 0.7071 = 0.5303
        assertThat(q.tokenMin()).containsExactly(-2f, 0.25f);
        assertThat(q.tokenStep()[0]).isCloseTo(0.2f, within(1e-6f));
        assertThat(q.tokenStep()[1]).isEqualTo(0.25f);
        float[] restored = new float[6];
        ValueQuantizer.dequantize(q, 2, restored, 0);
        float[] expected = {1f, -4f, 0f, 0.25f, 2f, 0.5303301f};
        for (int i = 0; i < 6; i++) {
            assertThat(restored[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
        }
    }

    @Test
    void normalizedAttentionRemovesTheBiasTowardsEarlyTokens() {
        float[] attention = {
            1.0f, 0f, 0f,
            0.5f, 0.5f, 0f,
            0.2f, 0.2f, 0.6f};
        float[] scores = NormalizedAttentionSaliency.scores(attention, 3, new int[] {0, 1, 2});
        // column sums [1.7, 0.7, 0.6] divided by the queries that see each token [3, 2, 1]
        assertThat(scores[0]).isCloseTo(1.7f / 3, within(1e-6f));
        assertThat(scores[1]).isCloseTo(0.35f, within(1e-6f));
        assertThat(scores[2]).isCloseTo(0.6f, within(1e-6f));
        // the plain sum would demote token 2; the normalized score demotes token 1
        assertThat(NormalizedAttentionSaliency.salient(scores, 0.4)).containsExactly(true, false, true);
        // probes {2} only: token 1 scores 0.2, token 0 0.2 (tie: the later one is lower), token 2 0.6
        float[] lastOnly = NormalizedAttentionSaliency.scores(attention, 3, new int[] {2});
        assertThat(NormalizedAttentionSaliency.salient(lastOnly, 0.34)).containsExactly(true, false, true);
    }

    @Test
    void probeQueriesAreTheMostRecentPlusRandomOthers() {
        int[] probes = NormalizedAttentionSaliency.probeQueries(100, 0.05, 0.05, 3);
        assertThat(probes).hasSize(10).contains(95, 96, 97, 98, 99).isSorted();
        assertThat(NormalizedAttentionSaliency.probeQueries(100, 0.05, 0.05, 3)).containsExactly(probes);
        assertThat(NormalizedAttentionSaliency.probeQueries(4, 0.05, 0.05, 3)).hasSize(2).contains(3);
    }

    @Test
    void aWholeCacheRoundTripsWithinHalfAStepAndShrinksMoreThanFourTimes() {
        int layers = 2;
        int heads = 2;
        int tokens = 40;
        int dim = 32;
        Random random = new Random(1);
        float[][] keys = new float[layers][heads * tokens * dim];
        float[][] values = new float[layers][heads * tokens * dim];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < keys[l].length; i++) {
                keys[l][i] = (float) random.nextGaussian() * (1 + i % dim);
                values[l][i] = (float) random.nextGaussian();
            }
        }
        KvSnapshot kv = new KvSnapshot(layers, heads, tokens, dim, keys, values);
        boolean[] salient = new boolean[tokens];
        for (int t = 0; t < tokens; t++) {
            salient[t] = t % 5 >= 2;
        }
        QuantizedKvCache q = new ZipCacheCodec(4, 2).encode(kv, salient);
        KvSnapshot back = ZipCacheCodec.decode(q, tokens);
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                QuantizedKeys qk = q.keys()[l][h];
                for (int t = 0; t < tokens; t++) {
                    for (int c = 0; c < dim; c++) {
                        int i = (h * tokens + t) * dim + c;
                        float step = salient[t] ? qk.highStep()[c] : qk.lowStep()[c];
                        assertThat(Math.abs(back.keys()[l][i] - keys[l][i])).isLessThanOrEqualTo(step / 2 + 1e-5f);
                    }
                }
            }
        }
        KvSnapshot prefix = ZipCacheCodec.decode(q, 10);
        assertThat(prefix.tokens()).isEqualTo(10);
        assertThat(prefix.keys()[1][(10 + 3) * dim + 5]).isEqualTo(back.keys()[1][(tokens + 3) * dim + 5]);
        assertThat((double) kv.fp32Bytes() / q.bytes()).isGreaterThan(4.0);
    }
}
