package io.neuropipe.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.encoder.config.StreamProperties;
import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.encoder.engine.EegEncoders;
import io.neuropipe.encoder.engine.EncoderVariant;
import io.neuropipe.encoder.stream.EegStreamRunner;
import io.neuropipe.encoder.stream.WindowDecoder;
import io.neuropipe.proto.v1.EegChunk;
import io.neuropipe.proto.v1.EegStreamNotice;
import io.neuropipe.proto.v1.EegWindowDecoded;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Real-time EEG streams through the running service on the embedded broker: the zoo's sub-01
 * trials played back to back as 0.1 s chunks (25 samples at 250 Hz), channels sent in reverse
 * order (the service matches them by name); windows of 1 s every 0.5 s (see {@link EncoderAppTest}).
 */
class EegStreamKafkaTest extends EncoderAppTest {

    private static final int CHANNELS = 63;
    private static final int CHUNK = 25;
    private static final int HOP = 125;
    private static final int WINDOW = 250;
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static float[][] recording; // [channel][sample], model montage order
    private static List<String> montage;
    private static KafkaProducer<String, byte[]> producer;

    @Autowired
    EegEncoders encoders;
    @Autowired
    EegStreamRunner runner;
    @Autowired
    WindowDecoder decoder;
    @Autowired
    StreamProperties streamProps;

    @BeforeAll
    static void load() throws Exception {
        ByteBuffer npy = ByteBuffer.wrap(Files.readAllBytes(MODELS.resolve("samples/eeg_sub-01_trials.npy"))).order(ByteOrder.LITTLE_ENDIAN);
        int start = 10 + Short.toUnsignedInt(npy.getShort(8));
        int trials = 4;
        recording = new float[CHANNELS][trials * WINDOW];
        npy.position(start);
        var floats = npy.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int t = 0; t < trials; t++) {
            for (int c = 0; c < CHANNELS; c++) {
                floats.get(recording[c], t * WINDOW, WINDOW);
            }
        }
        producer = producer();
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    private List<String> montage() {
        if (montage == null) {
            montage = decoder.montage();
        }
        return montage;
    }

    /** Chunk {@code seq}: samples [seq*25, seq*25+25) of every channel, channels in reverse montage order. */
    private EegChunk chunk(String session, int seq) {
        return chunk(session, seq, "sub-01");
    }

    private EegChunk chunk(String session, int seq, String subject) {
        List<String> names = new ArrayList<>(montage());
        Collections.reverse(names);
        float[] data = new float[CHANNELS * CHUNK];
        for (int row = 0; row < CHANNELS; row++) {
            System.arraycopy(recording[CHANNELS - 1 - row], seq * CHUNK, data, row * CHUNK, CHUNK);
        }
        return EegChunk.newBuilder().setSessionId(session).setSequence(seq).setSampleRate(250).addAllChannelNames(names)
            .setSamples(Tensors.ofFloats(data, CHANNELS, CHUNK)).setSubject(subject).setSentEpochMs(System.currentTimeMillis()).build();
    }

    private void send(String session, int... sequences) throws Exception {
        for (int seq : sequences) {
            producer.send(new ProducerRecord<>("neuropipe.eeg.stream", session, chunk(session, seq).toByteArray()));
        }
        producer.flush();
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private static List<EegWindowDecoded> windows(KafkaConsumer<String, byte[]> c, String session, int count) {
        List<EegWindowDecoded> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : await(c, r -> session.equals(r.key()), count, WAIT)) {
            try {
                out.add(EegWindowDecoded.parseFrom(r.value()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** The embedding of the window starting at {@code start}, encoded directly (not through the stream). */
    private float[] direct(int start) {
        float[] trial = new float[CHANNELS * WINDOW];
        for (int c = 0; c < CHANNELS; c++) {
            System.arraycopy(recording[c], start, trial, c * WINDOW, WINDOW);
        }
        return encoders.engine(EncoderVariant.DEEP).encode(new EegTrial(trial, 0));
    }

    private void assertWindowsMatchDirectEncoding(List<EegWindowDecoded> windows, long firstStart) {
        for (int i = 0; i < windows.size(); i++) {
            EegWindowDecoded w = windows.get(i);
            assertThat(w.getWindowIndex()).isEqualTo(i);
            assertThat(w.getStartSample()).isEqualTo(firstStart + (long) i * HOP);
            float[] expected = direct((int) w.getStartSample());
            float[] actual = Tensors.toFloats(w.getEmbedding());
            for (int j = 0; j < expected.length; j++) {
                assertThat(actual[j]).isCloseTo(expected[j], within(1e-5f));
            }
            assertThat(w.getMatchesCount()).isEqualTo(5);
            assertThat(w.getGallery()).isEqualTo("zoo");
            assertThat(w.getLatencyUs()).isPositive();
        }
    }

    @Test
    void anInOrderStreamGivesEveryWindowWithTheDirectEncodersEmbedding() throws Exception {
        String session = "in-order-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> out = consumer("neuropipe.eeg.decoded")) {
            send(session, range(0, 40)); // 1000 samples -> windows at 0, 125, ..., 750
            List<EegWindowDecoded> windows = windows(out, session, 7);
            assertWindowsMatchDirectEncoding(windows, 0);
            assertThat(windows.get(0).getFirstSequence()).isZero();
            assertThat(windows.get(0).getLastSequence()).isEqualTo(9);
            assertThat(windows.get(0).hasGapBefore()).isFalse();
            assertThat(collect(out, r -> session.equals(r.key()), 1, Duration.ofSeconds(2))).as("no eighth window").isEmpty();
        }
    }

    @Test
    void repeatedAndLateChunksAreIgnored() throws Exception {
        String session = "dup-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> out = consumer("neuropipe.eeg.decoded")) {
            send(session, 0, 1, 1, 2, 0, 3, 4, 5, 6, 7, 8, 9, 5, 10, 11, 12, 13, 14);
            List<EegWindowDecoded> windows = windows(out, session, 2); // 375 samples -> windows at 0, 125
            assertWindowsMatchDirectEncoding(windows, 0);
        }
    }

    @Test
    void aGapIsReportedAndTheWindowRestartsAfterIt() throws Exception {
        String session = "gap-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> out = consumer("neuropipe.eeg.decoded");
             KafkaConsumer<String, byte[]> notices = consumer("neuropipe.eeg.notices")) {
            int[] seqs = java.util.stream.IntStream.concat(java.util.stream.IntStream.range(0, 12),
                java.util.stream.IntStream.range(15, 30)).toArray(); // chunks 12..14 never sent
            send(session, seqs);
            EegStreamNotice gap = EegStreamNotice.parseFrom(await(notices, r -> session.equals(r.key()), 1, WAIT).get(0).value());
            assertThat(gap.getKind()).isEqualTo(EegStreamNotice.Kind.GAP);
            assertThat(gap.getGap().getExpectedSequence()).isEqualTo(12);
            assertThat(gap.getGap().getReceivedSequence()).isEqualTo(15);
            // before the gap: 300 samples -> windows at 0 (index 0); after it: chunks 15..29 = 375 samples from sample 300
            List<EegWindowDecoded> windows = windows(out, session, 3);
            assertThat(windows.get(0).hasGapBefore()).isFalse();
            EegWindowDecoded afterGap = windows.get(1);
            assertThat(afterGap.getWindowIndex()).isEqualTo(1);
            assertThat(afterGap.getStartSample()).isEqualTo(300);
            assertThat(afterGap.getFirstSequence()).isEqualTo(15);
            assertThat(afterGap.getGapBefore().getExpectedSequence()).isEqualTo(12);
            // accepted sample 300 is recording sample 375 (chunk 15): the window is encoded from there
            float[] expected = direct(375);
            float[] actual = Tensors.toFloats(afterGap.getEmbedding());
            for (int j = 0; j < expected.length; j++) {
                assertThat(actual[j]).isCloseTo(expected[j], within(1e-5f));
            }
            assertThat(windows.get(2).hasGapBefore()).isFalse();
        }
    }

    @Test
    void aRestartedInstanceResumesWithoutLosingOrRepeatingWindows() throws Exception {
        String session = "restart-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> out = consumer("neuropipe.eeg.decoded")) {
            send(session, range(0, 17)); // 425 samples -> windows at 0, 125; chunks 10..16 stay buffered
            List<EegWindowDecoded> before = windows(out, session, 2);
            runner.stop();
            EegStreamRunner second = new EegStreamRunner(streamProps, decoder, bootstrap(), new SimpleMeterRegistry());
            try {
                send(session, range(17, 40));
                second.start();
                List<EegWindowDecoded> after = windows(out, session, 5);
                List<EegWindowDecoded> all = new ArrayList<>(before);
                all.addAll(after);
                assertWindowsMatchDirectEncoding(all, 0);
            } finally {
                second.stop();
                runner.start();
            }
        }
    }

    @Test
    void aWindowThatCannotBeDecodedFailsAloneWhileTheOthersOfItsBatchAreDecoded() throws Exception {
        String good = "good-" + UUID.randomUUID();
        String bad = "bad-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> out = consumer("neuropipe.eeg.decoded");
             KafkaConsumer<String, byte[]> notices = consumer("neuropipe.eeg.notices")) {
            for (int seq = 0; seq < 15; seq++) { // interleaved, so the windows of both sessions are decoded together
                producer.send(new ProducerRecord<>("neuropipe.eeg.stream", good, chunk(good, seq).toByteArray()));
                producer.send(new ProducerRecord<>("neuropipe.eeg.stream", bad, chunk(bad, seq, "nobody").toByteArray()));
            }
            producer.flush();
            assertWindowsMatchDirectEncoding(windows(out, good, 2), 0);
            List<EegStreamNotice> failed = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : await(notices, r -> bad.equals(r.key()), 2, WAIT)) {
                failed.add(EegStreamNotice.parseFrom(r.value()));
            }
            assertThat(failed).extracting(EegStreamNotice::getKind).containsOnly(EegStreamNotice.Kind.WINDOW_FAILED);
            assertThat(failed.get(0).getMessage()).contains("Window 0 could not be decoded").contains("Unknown subject 'nobody'");
            assertThat(failed.get(1).getMessage()).contains("Window 1 could not be decoded");
            assertThat(collect(out, r -> bad.equals(r.key()), 1, Duration.ofSeconds(2))).as("no window of the bad session").isEmpty();
        }
    }
}
