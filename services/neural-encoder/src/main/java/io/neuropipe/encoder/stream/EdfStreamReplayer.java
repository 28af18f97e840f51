package io.neuropipe.encoder.stream;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.neuropipe.encoder.domain.EegSignal;
import io.neuropipe.encoder.io.EdfReader;
import io.neuropipe.proto.v1.EegChunk;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Example producer: replays an EDF/EDF+ recording as a live EEG stream, one {@link EegChunk} per
 * {@code --chunk-ms} on {@code neuropipe.eeg.stream}, paced at real time (or {@code --speed} times it).
 *
 * <pre>
 * java -cp ... io.neuropipe.encoder.stream.EdfStreamReplayer --file models/samples/eeg_sub-01_run-01.edf \
 *     [--bootstrap localhost:9092] [--session demo-1] [--subject sub-01] [--chunk-ms 100] [--speed 1] [--topic neuropipe.eeg.stream]
 * </pre>
 */
public final class EdfStreamReplayer {

    private EdfStreamReplayer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        Path file = Path.of(require(opt, "file"));
        String bootstrap = opt.getOrDefault("bootstrap", "localhost:9092");
        String topic = opt.getOrDefault("topic", "neuropipe.eeg.stream");
        String session = opt.getOrDefault("session", "replay-" + System.currentTimeMillis());
        double chunkMs = Double.parseDouble(opt.getOrDefault("chunk-ms", "100"));
        double speed = Double.parseDouble(opt.getOrDefault("speed", "1"));
        EegSignal eeg = new EdfReader().read(file).toEeg();
        int chunk = Math.max(1, (int) Math.round(chunkMs / 1000 * eeg.sampleRate()));
        System.out.printf("Replaying %s (%s) as session %s: %d-sample chunks to %s at %s%n", file, eeg, session, chunk, topic, bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            long seq = 0;
            for (int from = 0; from + chunk <= eeg.samples(); from += chunk, seq++) {
                long due = start + (long) ((from + chunk) / eeg.sampleRate() / speed * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing a live source, not waiting for a condition
                }
                producer.send(new ProducerRecord<>(topic, session, chunk(eeg, session, seq, from, chunk, opt.getOrDefault("subject", ""))
                    .toByteArray()));
            }
            producer.flush();
            System.out.printf("Sent %d chunks (%.1f s of EEG)%n", seq, seq * chunk / eeg.sampleRate());
        }
    }

    /** Chunk {@code seq}: samples [from, from + n) of every channel. */
    static EegChunk chunk(EegSignal eeg, String session, long seq, int from, int n, String subject) {
        float[] data = new float[eeg.channelCount() * n];
        for (int c = 0; c < eeg.channelCount(); c++) {
            System.arraycopy(eeg.data(), c * eeg.samples() + from, data, c * n, n);
        }
        return EegChunk.newBuilder().setSessionId(session).setSequence(seq).setSampleRate(eeg.sampleRate())
            .addAllChannelNames(eeg.channels()).setSamples(Tensors.ofFloats(data, eeg.channelCount(), n)).setSubject(subject)
            .setSentEpochMs(System.currentTimeMillis()).build();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Expected --name value pairs, got " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }

    private static String require(Map<String, String> opt, String key) {
        String v = opt.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
