package io.neuropipe.encoder.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;

import io.neuropipe.encoder.domain.EegEvent;
import io.neuropipe.encoder.domain.EegSignal;
import io.neuropipe.runtime.step.InvalidInputException;
import org.junit.jupiter.api.Test;

class EdfReaderTest {

    private final EdfReader reader = new EdfReader();

    private static short[] shorts(int... v) {
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = (short) v[i];
        }
        return s;
    }

    @Test
    void scalesDigitalToPhysicalPerSignal() {
        // Cz: [-2048, 2047] -> [-100, 100] uV, step 200/4095; Pz: [0, 1000] -> [0, 1] mV
        byte[] edf = new EdfBuilder(2)
            .signal("EEG Cz", "uV", -100, 100, -2048, 2047, 3, shorts(-2048, 2047, 0, 1, -1, 100))
            .signal("EEG Pz", "mV", 0, 1, 0, 1000, 3, shorts(0, 500, 1000, 250, 750, 1))
            .build();
        EdfRecording rec = reader.read(edf, "two.edf");
        assertThat(rec.edfPlus()).isFalse();
        assertThat(rec.recordCount()).isEqualTo(2);
        assertThat(rec.channelNames()).containsExactly("Cz", "Pz");
        float[] cz = rec.signals().get(0).samples();
        double step = 200.0 / 4095;
        assertThat(cz[0]).isEqualTo(-100f);
        assertThat(cz[1]).isEqualTo(100f);
        assertThat((double) cz[2]).isCloseTo(2048 * step - 100, within(1e-5));
        assertThat((double) cz[3]).isCloseTo(2049 * step - 100, within(1e-5));
        assertThat((double) cz[5]).isCloseTo(2148 * step - 100, within(1e-5));
        assertThat(rec.signals().get(1).samples()).containsExactly(0f, 0.5f, 1f, 0.25f, 0.75f, 0.001f);
        assertThat(rec.signals().get(0).sampleRate()).isEqualTo(3.0);

        // as EEG: mV becomes uV
        EegSignal eeg = rec.toEeg();
        assertThat(eeg.channels()).containsExactly("Cz", "Pz");
        assertThat(eeg.samples()).isEqualTo(6);
        assertThat(eeg.channel(1)).containsExactly(0f, 500f, 1000f, 250f, 750f, 1f);
    }

    @Test
    void keepsPerSignalRatesAndResamplesOnRequest() {
        short[] fast = new short[8];
        short[] slow = new short[4];
        Arrays.fill(fast, (short) 100);
        Arrays.fill(slow, (short) 100);
        EdfBuilder b = new EdfBuilder(2)
            .signal("EEG C3", "uV", -1000, 1000, -1000, 1000, 4, fast)
            .signal("EEG C4", "uV", -1000, 1000, -1000, 1000, 2, slow);
        b.duration = "0.5";
        EdfRecording rec = reader.read(b.build(), "rates.edf");
        assertThat(rec.signals()).extracting(EdfSignal::sampleRate).containsExactly(8.0, 4.0);
        assertThatThrownBy(rec::toEeg).isInstanceOf(InvalidInputException.class).hasMessageContaining("different sampling rates");
        EegSignal eeg = rec.toEeg(8.0);
        assertThat(eeg.samples()).isEqualTo(8);
        assertThat(eeg.sampleRate()).isEqualTo(8.0);
        EegSignal c4 = rec.toEeg(List.of("c4"), 4.0);
        assertThat(c4.channels()).containsExactly("C4");
        assertThat(c4.channel(0)).containsOnly(100f);
        assertThatThrownBy(() -> rec.toEeg(List.of("C4", "O1", "O2"), 4.0)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("[O1, O2]");
    }

    @Test
    void parsesEdfPlusAnnotationsAndRecordStamps() {
        byte[] edf = new EdfBuilder(3).edfPlus(true)
            .signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[6])
            .annotations(30, "+0\u0014\u0014\u0000+0.5\u00150.25\u0014stim/00\u0014\u0000",
                "+1\u0014\u0014\u0000+1.25\u0014a\u0014b\u0014\u0000",
                "+2\u0014\u0014\u0000")
            .build();
        EdfRecording rec = reader.read(edf, "plus.edf");
        assertThat(rec.edfPlus()).isTrue();
        assertThat(rec.continuous()).isTrue();
        assertThat(rec.recordStarts()).containsExactly(0.0, 1.0, 2.0);
        assertThat(rec.annotations()).containsExactly(new EdfAnnotation(0.5, 0.25, "stim/00"),
            new EdfAnnotation(1.25, Double.NaN, "a"), new EdfAnnotation(1.25, Double.NaN, "b"));
        assertThat(rec.events("stim/.*")).containsExactly(new EegEvent(0.5, "stim/00"));
        assertThat(rec.dataSignals()).hasSize(1);
        assertThat(rec.signals().get(1).isAnnotations()).isTrue();
    }

    @Test
    void discontinuousFilesKeepTheirRecordStartsButAreNotOneSignal() {
        byte[] edf = new EdfBuilder(2).edfPlus(false)
            .signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[4])
            .annotations(10, "+0\u0014\u0014\u0000", "+5.5\u0014\u0014\u0000")
            .build();
        EdfRecording rec = reader.read(edf, "gap.edf");
        assertThat(rec.continuous()).isFalse();
        assertThat(rec.recordStarts()).containsExactly(0.0, 5.5);
        assertThatThrownBy(rec::toEeg).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("gap.edf: discontinuous").hasMessageContaining("record 1 starts at 5.5 s");
    }

    @Test
    void unknownRecordCountIsTakenFromTheFileSize() {
        EdfBuilder b = new EdfBuilder(3).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[6]);
        b.records = "-1";
        assertThat(reader.read(b.build(), "x.edf").recordCount()).isEqualTo(3);
    }

    @Test
    void readsTheZooRecording() {
        EdfRecording rec = reader.read(TestFiles.sample("eeg_sub-01_run-01.edf"));
        assertThat(rec.signals()).hasSize(64);
        assertThat(rec.channelNames()).hasSize(63).startsWith("Fp1", "Fp2", "AF7").endsWith("O1", "Oz");
        assertThat(rec.recordCount()).isEqualTo(21);
        assertThat(rec.edfPlus()).isTrue();
        assertThat(rec.dataSignals()).allSatisfy(s -> {
            assertThat(s.sampleRate()).isEqualTo(250.0);
            assertThat(s.physicalDimension()).isEqualTo("uV");
            assertThat(s.samples()).hasSize(5250);
        });
        assertThat(rec.events("stim/.*")).extracting(EegEvent::onset)
            .containsExactly(1.16, 2.65, 4.4, 5.812, 7.56, 9.163, 10.636, 12.299, 13.897, 15.461, 17.171, 18.676);
        assertThat(rec.events()).extracting(EegEvent::label).first().isEqualTo("stim/00");
        // first and last samples as the zoo's own reader decodes them
        assertThat((double) rec.signals().get(0).samples()[0]).isCloseTo(4.127565423056353, within(1e-5));
        assertThat((double) rec.signals().get(62).samples()[5249]).isCloseTo(0.007629510948333973, within(1e-5));
    }

    @Test
    void rejectsTruncatedFiles() {
        byte[] b = TestFiles.bytes(TestFiles.sample("eeg_sub-01_run-01.edf"));
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(b, b.length - 1), "run.edf")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("run.edf: truncated").hasMessageContaining("21 data records");
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(b, 1000), "run.edf")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("truncated in the signal headers");
        assertThatThrownBy(() -> reader.read(Arrays.copyOf(b, 100), "run.edf")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("256 bytes");
    }

    @Test
    void rejectsCorruptHeaders() {
        EdfBuilder ok = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2]);
        EdfBuilder v = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2]);
        v.version = "1.0";
        assertThat(reader.read(ok.build(), "ok.edf").recordCount()).isEqualTo(1);
        assertThatThrownBy(() -> reader.read(v.build(), "v.edf")).hasMessageContaining("not an EDF file");

        EdfBuilder words = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2]);
        words.duration = "one";
        assertThatThrownBy(() -> reader.read(words.build(), "w.edf")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("'duration of a data record' is 'one', not a number");

        EdfBuilder size = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2]);
        size.headerBytes = "1024";
        assertThatThrownBy(() -> reader.read(size.build(), "s.edf")).hasMessageContaining("header size field says 1024");

        byte[] digital = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, 5, 5, 2, new short[2]).build();
        assertThatThrownBy(() -> reader.read(digital, "d.edf")).hasMessageContaining("digital range of EEG Oz is [5, 5]");

        byte[] physical = new EdfBuilder(1).signal("EEG Oz", "uV", 3, 3, 0, 5, 2, new short[2]).build();
        assertThatThrownBy(() -> reader.read(physical, "p.edf")).hasMessageContaining("physical minimum and maximum of EEG Oz");

        byte[] pminNan = new EdfBuilder(1).signal("EEG Oz", "uV", 3, 4, 0, 5, 2, new short[2]).field(0, "pmin", "NaN").build();
        assertThatThrownBy(() -> reader.read(pminNan, "n.edf")).hasMessageContaining("'physical minimum of EEG Oz' is 'NaN'");

        byte[] bdf = new byte[300];
        bdf[0] = (byte) 0xff;
        assertThatThrownBy(() -> reader.read(bdf, "b.bdf")).hasMessageContaining("BDF");
    }

    @Test
    void aForgedHeaderDoesNotAllocate() {
        // 60 M samples per record declared in a file of a few hundred bytes
        byte[] forged = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2])
            .field(0, "spr", "60000000").build();
        assertThatThrownBy(() -> reader.read(forged, "f.edf")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("truncated");
        EdfBuilder many = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2]);
        many.records = "99999999";
        assertThatThrownBy(() -> reader.read(many.build(), "m.edf")).hasMessageContaining("truncated");
        byte[] huge = new EdfBuilder(1).signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2])
            .field(0, "spr", "99999999").build();
        assertThatThrownBy(() -> reader.read(huge, "h.edf")).hasMessageContaining("samples per record of EEG Oz is 99999999");
    }

    @Test
    void rejectsMalformedAnnotationLists() {
        byte[] unterminated = new EdfBuilder(1).edfPlus(true)
            .signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2])
            .annotations(4, "+0\u0014\u0014\u0000+1\u0014abc").build();
        assertThatThrownBy(() -> reader.read(unterminated, "t.edf")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("data record 0").hasMessageContaining("not terminated");
        byte[] badOnset = new EdfBuilder(1).edfPlus(true)
            .signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2])
            .annotations(10, "+0\u0014\u0014\u0000one\u0014abc\u0014\u0000").build();
        assertThatThrownBy(() -> reader.read(badOnset, "o.edf")).hasMessageContaining("onset 'one'");
        byte[] noSeparator = new EdfBuilder(1).edfPlus(true)
            .signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2])
            .annotations(10, "+0\u0014\u0014\u0000+1.5\u0000").build();
        assertThatThrownBy(() -> reader.read(noSeparator, "s.edf")).hasMessageContaining("no 0x14 separator");
        byte[] badDuration = new EdfBuilder(1).edfPlus(true)
            .signal("EEG Oz", "uV", -1, 1, -32768, 32767, 2, new short[2])
            .annotations(10, "+0\u0014\u0014\u0000+1\u0015x\u0014a\u0014\u0000").build();
        assertThatThrownBy(() -> reader.read(badDuration, "d.edf")).hasMessageContaining("duration 'x'");
    }

    @Test
    void randomBytesNeverEscapeAsAnotherException() {
        java.util.Random rnd = new java.util.Random(42);
        byte[] good = TestFiles.bytes(TestFiles.sample("eeg_sub-01_run-01.edf"));
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = Arrays.copyOf(good, 256 * 65 + rnd.nextInt(4000));
            for (int k = 0; k < 8; k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            try {
                reader.read(b, "fuzz.edf");
            } catch (InvalidInputException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz.edf");
            }
        }
    }
}
