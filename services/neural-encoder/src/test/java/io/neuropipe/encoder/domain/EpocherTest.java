package io.neuropipe.encoder.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.neuropipe.encoder.io.EdfReader;
import io.neuropipe.encoder.io.EdfRecording;
import io.neuropipe.encoder.io.TestFiles;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class EpocherTest {

    /** 2 channels at 10 Hz, 3 s: channel 0 = sample index, channel 1 = 100 + 2 * index. */
    private static EegSignal ramp() {
        float[] d = new float[2 * 30];
        for (int k = 0; k < 30; k++) {
            d[k] = k;
            d[30 + k] = 100 + 2 * k;
        }
        return new EegSignal(List.of("A", "B"), 10.0, 0.0, 30, d);
    }

    @Test
    void cutsTheWindowAfterTheOnset() {
        EegSignal e = new Epocher(EpochWindow.of(0.0, 0.5)).epoch(ramp(), new EegEvent(1.04, "x"));
        // onset sample rint(10.4) = 10; 5 samples
        assertThat(e.samples()).isEqualTo(5);
        assertThat(e.channel(0)).containsExactly(10, 11, 12, 13, 14);
        assertThat(e.channel(1)).containsExactly(120, 122, 124, 126, 128);
        assertThat(e.startTime()).isEqualTo(0.0);
    }

    @Test
    void negativeTminAndABaselineOutsideTheEpoch() {
        // window -0.2..0.3 s around onset 1.0 s (sample 10): samples 8..12; baseline -0.3..0 s = samples 7, 8, 9 (mean 8, 116)
        EegSignal e = new Epocher(EpochWindow.of(-0.2, 0.3).withBaseline(-0.3, 0.0)).epoch(ramp(), new EegEvent(1.0, "x"));
        assertThat(e.channel(0)).containsExactly(0, 1, 2, 3, 4);
        assertThat(e.channel(1)).containsExactly(0, 2, 4, 6, 8);
        assertThat(e.startTime()).isCloseTo(-0.2, within(1e-12));
    }

    @Test
    void followsTheRecordingStartTime() {
        EegSignal shifted = new EegSignal(List.of("A", "B"), 10.0, 0.5, 30, ramp().data());
        EegSignal e = new Epocher(EpochWindow.of(0.0, 0.2)).epoch(shifted, new EegEvent(1.0, "x"));
        assertThat(e.channel(0)).containsExactly(5, 6);
    }

    @Test
    void anEpochOutsideTheRecordingIsAnError() {
        Epocher ep = new Epocher(EpochWindow.of(0.0, 1.0));
        assertThatThrownBy(() -> ep.epochs(ramp(), List.of(new EegEvent(0.5, "ok"), new EegEvent(2.5, "stim/late"))))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("event 'stim/late' at 2.5 s")
            .hasMessageContaining("samples 25..35");
        assertThat(ep.inside(ramp(), List.of(new EegEvent(0.5, "ok"), new EegEvent(2.5, "late"), new EegEvent(2.0, "last"))))
            .extracting(EegEvent::label).containsExactly("ok", "last");
        Epocher withBaseline = new Epocher(EpochWindow.of(0.0, 1.0).withBaseline(-0.2, 0));
        assertThat(withBaseline.inside(ramp(), List.of(new EegEvent(0.1, "early"), new EegEvent(0.2, "ok"))))
            .extracting(EegEvent::label).containsExactly("ok");
        assertThatThrownBy(() -> withBaseline.epoch(ramp(), new EegEvent(0.1, "early")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("baseline window");
    }

    /**
     * The zoo's EDF+ recording cut at its own annotations gives the epochs the zoo's Python reader
     * gives (reference values from {@code neuroshapes.read_edf}, epochs {@code data[:, round(onset*250):+250]}).
     * (The zoo's trials NPY is simulated independently of this recording, so it is not a reference.)
     */
    @Test
    void epochsTheZooRecordingAtItsAnnotations() {
        EdfRecording rec = new EdfReader().read(TestFiles.sample("eeg_sub-01_run-01.edf"));
        EegSignal eeg = rec.toEeg();
        List<EegEvent> events = rec.events("stim/.*");
        List<EegSignal> epochs = new Epocher(EpochWindow.of(0.0, 1.0)).epochs(eeg, events);
        assertThat(epochs).hasSize(12).allSatisfy(e -> {
            assertThat(e.channelCount()).isEqualTo(63);
            assertThat(e.samples()).isEqualTo(250);
        });
        double q = 1000.0 / 65535; // one 16-bit step of the +-500 uV range
        float[] e0 = epochs.get(0).data();
        assertThat((double) e0[0]).isCloseTo(1.365682459754339, within(1e-5));
        assertThat((double) e0[1]).isCloseTo(1.029983978027019, within(1e-5));
        assertThat((double) e0[2]).isCloseTo(1.7471580071717199, within(1e-5));
        float[] e11 = epochs.get(11).data();
        assertThat((double) e11[63 * 250 - 1]).isCloseTo(4.188601510643139, within(1e-5));
        assertThat((double) epochs.get(5).data()[31 * 250 + 100]).isCloseTo(9.208819714656272, within(1e-5));
        double[] sums = {51346.150911726436, 27291.065842679403, 40766.43015182717, 30313.679713130274, 16630.457007705736,
            24634.897383077656, 7163.820859082865, 24925.20027466229, -8138.475623712595, 2274.280918593031,
            -50080.62867170221, -44053.66598001074};
        for (int i = 0; i < 12; i++) {
            double s = 0;
            for (float v : epochs.get(i).data()) {
                s += v;
            }
            // an epoch one sample off would differ by far more than float rounding
            assertThat(s).as("sum of epoch %d", i).isCloseTo(sums[i], within(0.05));
        }
        // values lie on the 16-bit grid
        double grid = (e0[0] + 500) / q;
        assertThat(grid - Math.rint(grid)).isCloseTo(0.0, within(1e-2));

        List<EegSignal> corrected = new Epocher(EpochWindow.of(0.0, 1.0).withBaseline(-0.2, 0.0)).epochs(eeg, events.subList(0, 2));
        assertThat((double) corrected.get(0).data()[0]).isCloseTo(-0.583199816891721, within(1e-4));
        assertThat((double) corrected.get(1).data()[10 * 250 + 7]).isCloseTo(4.917372396429364, within(1e-4));
    }

    /** EDF+ file -> continuous EEG -> epochs at its annotations -> the ATM model input [63 * 250]. */
    @Test
    void zooRecordingToModelInputs() {
        EdfRecording rec = new EdfReader().read(TestFiles.sample("eeg_sub-01_run-01.edf"));
        List<String> montage = new java.util.ArrayList<>(rec.channelNames());
        java.util.Collections.reverse(montage); // a model whose montage order differs from the file's
        EegPreprocessing pre = EegPreprocessing.forModel(EegPreprocessing.Spec.of(montage, 250, 1.0));
        EegSignal eeg = rec.toEeg();
        List<EegSignal> epochs = new Epocher(EpochWindow.of(0.0, 1.0)).epochs(eeg, rec.events("stim/.*"));
        float[] x = pre.toModelInput(epochs.get(3));
        assertThat(x).hasSize(63 * 250);
        // the model's first channel is the file's last (Oz)
        assertThat(java.util.Arrays.copyOfRange(x, 0, 250)).containsExactly(epochs.get(3).channel(62));

        // the same recording seen at 125 Hz: resampled as a whole, then epoched; 125 samples per second
        EegSignal slow = rec.toEeg(125.0);
        assertThat(slow.samples()).isEqualTo(5250 / 2);
        EegSignal e = new Epocher(EpochWindow.of(0.0, 1.0)).epoch(slow, rec.events().get(0));
        assertThat(e.samples()).isEqualTo(125);
        // and a 125 Hz epoch goes through the model chain (upsampled to 250 Hz) to the model shape
        float[] back = pre.toModelInput(new EegSignal(e.channels(), 125, 0, 125, e.data()));
        assertThat(back).hasSize(63 * 250);
    }
}
