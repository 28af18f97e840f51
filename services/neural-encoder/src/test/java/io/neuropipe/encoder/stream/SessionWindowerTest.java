package io.neuropipe.encoder.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.neuropipe.proto.v1.EegStreamNotice;
import org.junit.jupiter.api.Test;

/** Windowing on a 2-channel stream at 10 Hz: window 1 s = 10 samples, hop 0.5 s = 5 samples, chunks of 4 samples. */
class SessionWindowerTest {

    private static final List<String> CH = List.of("A", "B");
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final Duration HOP = Duration.ofMillis(500);

    /** Chunk {@code seq} holds session samples 4*seq..4*seq+3; channel A = sample index, B = -index. */
    private static float[] chunk(long seq) {
        float[] d = new float[8];
        for (int i = 0; i < 4; i++) {
            d[i] = 4 * seq + i;
            d[4 + i] = -(4 * seq + i);
        }
        return d;
    }

    private final List<EegWindow> windows = new ArrayList<>();
    private final List<EegStreamNotice> notices = new ArrayList<>();

    private SessionWindower.Outcome offer(SessionWindower s, long seq, long offset) {
        return s.offer(seq, offset, 10.0, CH, 4, chunk(seq), "", "", 0, windows, notices);
    }

    @Test
    void cutsAWindowEveryHopFromContiguousChunks() {
        SessionWindower s = SessionWindower.fresh("s", WINDOW, HOP, 0);
        for (int seq = 0; seq < 10; seq++) { // 40 samples: windows start at 0, 5, ..., 30 -> 7
            offer(s, seq, 100 + seq);
        }
        assertThat(windows).hasSize(7);
        assertThat(notices).isEmpty();
        EegWindow w2 = windows.get(2);
        assertThat(w2.windowIndex()).isEqualTo(2);
        assertThat(w2.startSample()).isEqualTo(10);
        assertThat(w2.samples()).containsExactly(10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
            -10, -11, -12, -13, -14, -15, -16, -17, -18, -19);
        assertThat(w2.firstSequence()).isEqualTo(2);
        assertThat(w2.lastSequence()).isEqualTo(4);
        // the next window starts at 35 (chunk 8, offset 108): that is the oldest record still needed
        assertThat(s.oldestNeededOffset()).isEqualTo(108);
    }

    @Test
    void repeatedAndOlderChunksAreIgnored() {
        SessionWindower s = SessionWindower.fresh("s", WINDOW, HOP, 0);
        offer(s, 0, 0);
        offer(s, 1, 1);
        assertThat(offer(s, 1, 2)).isEqualTo(SessionWindower.Outcome.DUPLICATE);
        assertThat(offer(s, 0, 3)).isEqualTo(SessionWindower.Outcome.DUPLICATE);
        offer(s, 2, 4);
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).samples()[9]).isEqualTo(9f);
        assertThat(notices).isEmpty();
    }

    @Test
    void aGapIsReportedAndNoWindowSpansIt() {
        SessionWindower s = SessionWindower.fresh("s", WINDOW, HOP, 0);
        offer(s, 0, 0);
        offer(s, 1, 1);
        offer(s, 5, 2); // chunks 2..4 missing
        assertThat(notices).singleElement().satisfies(n -> {
            assertThat(n.getKind()).isEqualTo(EegStreamNotice.Kind.GAP);
            assertThat(n.getGap().getExpectedSequence()).isEqualTo(2);
            assertThat(n.getGap().getReceivedSequence()).isEqualTo(5);
        });
        assertThat(windows).isEmpty();
        offer(s, 6, 3);
        offer(s, 7, 4);
        // accepted samples: chunks 0,1 = 0..7, then 5,6,7 = 8..19; the first window starts after the gap at 8
        assertThat(windows).hasSize(1);
        EegWindow w = windows.get(0);
        assertThat(w.startSample()).isEqualTo(8);
        assertThat(w.samples()[0]).isEqualTo(20f); // chunk 5's first sample
        assertThat(w.gapBefore().getExpectedSequence()).isEqualTo(2);
        offer(s, 8, 5);
        assertThat(windows.get(1).gapBefore()).isNull();
    }

    @Test
    void changedChannelsAreRejectedAndCountAsMissing() {
        SessionWindower s = SessionWindower.fresh("s", WINDOW, HOP, 0);
        offer(s, 0, 0);
        assertThat(s.offer(1, 1, 10.0, List.of("A", "C"), 4, chunk(1), "", "", 0, windows, notices))
            .isEqualTo(SessionWindower.Outcome.REJECTED);
        assertThat(notices.get(0).getKind()).isEqualTo(EegStreamNotice.Kind.REJECTED_CHUNK);
        offer(s, 2, 2);
        assertThat(notices.get(1).getKind()).isEqualTo(EegStreamNotice.Kind.GAP);
    }

    @Test
    void resumingFromACheckpointReplaysToTheSameWindowsWithoutRepeats() {
        // reference: one uninterrupted run over 20 chunks
        SessionWindower ref = SessionWindower.fresh("s", WINDOW, HOP, 0);
        for (int seq = 0; seq < 20; seq++) {
            offer(ref, seq, seq);
        }
        List<EegWindow> expected = new ArrayList<>(windows);
        windows.clear();

        // interrupted after chunk 8: checkpoint, then a new instance re-reads from the oldest needed offset
        SessionWindower first = SessionWindower.fresh("s", WINDOW, HOP, 0);
        for (int seq = 0; seq <= 8; seq++) {
            offer(first, seq, seq);
        }
        long resumeOffset = first.oldestNeededOffset();
        SessionCheckpoint cp = CheckpointCodec.decode(CheckpointCodec.encode(List.of(first.checkpoint()))).get(0);
        SessionWindower second = SessionWindower.restored(cp, WINDOW, HOP, 0);
        for (long seq = resumeOffset; seq < 20; seq++) {
            offer(second, seq, seq);
        }
        assertThat(windows).hasSameSizeAs(expected);
        for (int i = 0; i < windows.size(); i++) {
            assertThat(windows.get(i).windowIndex()).isEqualTo(expected.get(i).windowIndex());
            assertThat(windows.get(i).startSample()).isEqualTo(expected.get(i).startSample());
            assertThat(windows.get(i).samples()).containsExactly(expected.get(i).samples());
        }
        assertThat(notices).isEmpty();
    }
}
