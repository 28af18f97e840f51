package io.neuropipe.encoder.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.neuropipe.encoder.domain.EegSignal;
import io.neuropipe.encoder.io.EdfReader;
import io.neuropipe.proto.v1.EegChunk;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** The replayer's chunks of the zoo's EDF recording carry the recording, in order, named by channel. */
class EdfStreamReplayerTest {

    @Test
    void chunksOfTheZooRecordingReassembleIntoIt() {
        Path edf = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models/samples/eeg_sub-01_run-01.edf");
        EegSignal eeg = new EdfReader().read(edf).toEeg();
        int n = 25;
        EegChunk c3 = EdfStreamReplayer.chunk(eeg, "s", 3, 3 * n, n, "sub-01");
        assertThat(c3.getSequence()).isEqualTo(3);
        assertThat(c3.getSampleRate()).isEqualTo(eeg.sampleRate());
        assertThat(c3.getChannelNamesList()).isEqualTo(eeg.channels());
        assertThat(Tensors.shape(c3.getSamples())).containsExactly(eeg.channelCount(), n);
        float[] data = Tensors.toFloats(c3.getSamples());
        for (int c = 0; c < eeg.channelCount(); c++) {
            for (int i = 0; i < n; i++) {
                assertThat(data[c * n + i]).isEqualTo(eeg.data()[c * eeg.samples() + 3 * n + i]);
            }
        }
        // the stream's reader accepts it: the recording's channels cover the encoder's montage
        new ChunkReader(eeg.channels()).read(c3);
    }
}
