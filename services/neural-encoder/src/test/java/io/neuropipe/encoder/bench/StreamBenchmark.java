package io.neuropipe.encoder.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neuropipe.encoder.NeuralEncoderApplication;
import io.neuropipe.proto.v1.EegChunk;
import io.neuropipe.proto.v1.EegWindowDecoded;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Real-time EEG streams through the running encoder service (embedded Kafka + PostgreSQL, one JVM):
 * for each level of {@code bench.streams} (e.g. 20,40), that many sessions each send the zoo's sub-01
 * trials as 0.1 s chunks (63 x 25 at 250 Hz) paced at real time for {@code bench.seconds}; windows of
 * 1 s every 0.25 s (the defaults). Reports the service's per-window latency (chunk received -> window
 * handed to Kafka) and the lag of each window behind real time (received by the client - moment its
 * last sample was sent); a level is held at real time when every window arrives and p95 lag <= one hop.
 */
public final class StreamBenchmark {

    private static final int CH = 63;
    private static final int CHUNK = 25;

    private StreamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models").toAbsolutePath().normalize();
        int seconds = Integer.getInteger("bench.seconds", 20);
        int[] levels = Arrays.stream(System.getProperty("bench.streams", "20,40").split(",")).mapToInt(Integer::parseInt).toArray();
        float[][] rec = recording(models.resolve("samples/eeg_sub-01_trials.npy"));
        List<String> montage = montage(models.resolve("repository/eeg-encoder/1/model.yaml"));
        EmbeddedPostgresServer pg = SharedInfrastructure.postgres();
        pg.createDatabaseIfMissing("neuropipe_encoder_bench");
        String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        try (ConfigurableApplicationContext app = NeuralEncoderApplication.builder().run(
                "--spring.datasource.url=" + pg.jdbcUrl("neuropipe_encoder_bench"), "--spring.datasource.username=postgres",
                "--spring.datasource.password=", "--spring.kafka.bootstrap-servers=" + bootstrap, "--server.port=0",
                "--neuropipe.models.repository=" + models.resolve("repository"), "--neuropipe.runtime.intra-op-threads=1",
                "--neuropipe.encoder.stream.group=bench-" + UUID.randomUUID(), "--logging.level.root=WARN")) {
            // warm-up: creates the topics and the broker's transaction log, loads the gallery index, JIT-compiles
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            run(2, 4, rec, montage, bootstrap, registry);
            for (int level : levels) {
                run(level, seconds, rec, montage, bootstrap, registry);
            }
        }
    }

    private static void run(int streams, int seconds, float[][] rec, List<String> montage, String bootstrap, MeterRegistry registry)
            throws Exception {
        String prefix = "bench-" + streams + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int chunks = seconds * 10;
        int total = chunks * CHUNK;
        int expectedPerStream = (total - 250) / 63 + 1; // hop 0.25 s at 250 Hz = 62.5, rounded to 63 samples by the service
        try (KafkaConsumer<String, byte[]> out = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, prefix, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer())) {
            out.subscribe(List.of("neuropipe.eeg.decoded"));
            while (out.assignment().isEmpty()) {
                out.poll(Duration.ofMillis(100));
            }
            Stages before = Stages.of(registry);
            List<Long> serviceUs = new ArrayList<>();
            List<Double> lagMs = new ArrayList<>();
            Map<String, Integer> perStream = new HashMap<>();
            long t0 = System.nanoTime() + 200_000_000L;
            int sent = 0;
            long end = t0 + (long) (seconds + 30) * 1_000_000_000L;
            while (System.nanoTime() < end) {
                while (sent < chunks && System.nanoTime() >= t0 + sent * 100_000_000L) {
                    for (int s = 0; s < streams; s++) {
                        producer.send(new ProducerRecord<>("neuropipe.eeg.stream", prefix + s, chunk(prefix + s, sent, rec, montage).toByteArray()));
                    }
                    sent++;
                }
                for (ConsumerRecord<String, byte[]> r : out.poll(Duration.ofMillis(5))) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                        continue;
                    }
                    long now = System.nanoTime();
                    EegWindowDecoded w = EegWindowDecoded.parseFrom(r.value());
                    serviceUs.add(w.getLatencyUs());
                    long lastChunk = (w.getStartSample() + w.getWindowSamples() + CHUNK - 1) / CHUNK; // chunks needed
                    lagMs.add((now - (t0 + (lastChunk - 1) * 100_000_000L)) / 1e6);
                    perStream.merge(r.key(), 1, Integer::sum);
                }
                if (sent == chunks && perStream.values().stream().mapToInt(Integer::intValue).sum() >= streams * expectedPerStream) {
                    break;
                }
            }
            int got = perStream.values().stream().mapToInt(Integer::intValue).sum();
            double[] svc = serviceUs.stream().mapToDouble(u -> u / 1000.0).sorted().toArray();
            double[] lag = lagMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            boolean held = got == streams * expectedPerStream && pct(lag, 0.95) <= 250;
            System.out.printf("%d streams x %d s: windows %d/%d; service latency per window p50 %.1f ms, p95 %.1f ms, max %.1f ms; "
                    + "lag behind real time p50 %.1f ms, p95 %.1f ms; held at real time: %s%n",
                streams, seconds, got, streams * expectedPerStream, pct(svc, 0.5), pct(svc, 0.95), pct(svc, 1.0),
                pct(lag, 0.5), pct(lag, 0.95), held ? "yes" : "NO");
            System.out.println("    " + Stages.of(registry).since(before, got));
        }
    }

    /** The runner's per-poll stage timers and the JVM's CPU time (service, broker and this client together). */
    private record Stages(long polls, double windowMs, double decodeMs, double commitMs, double streamCpuMs, long cpuNanos,
                          double load) {

        static Stages of(MeterRegistry registry) {
            Timer w = stage(registry, "window");
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Stages(w.count(), w.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS), ms(registry, "decode"),
                ms(registry, "commit"), registry.get("neuropipe.stream.poll.cpu").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS),
                os.getProcessCpuTime(), os.getSystemLoadAverage());
        }

        private static Timer stage(MeterRegistry registry, String name) {
            return registry.get("neuropipe.stream.poll.stage").tag("stage", name).timer();
        }

        private static double ms(MeterRegistry registry, String name) {
            return stage(registry, name).totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        String since(Stages b, int windows) {
            long n = Math.max(1, polls - b.polls);
            int w = Math.max(1, windows);
            return String.format("polls %d (%.1f windows each); per poll: window %.2f ms, decode %.2f ms, commit %.2f ms; "
                    + "CPU per window: stream thread %.2f ms, whole JVM %.2f ms (service + embedded broker + bench client); "
                    + "load average %.1f -> %.1f",
                polls - b.polls, windows / (double) n, (windowMs - b.windowMs) / n, (decodeMs - b.decodeMs) / n,
                (commitMs - b.commitMs) / n, (streamCpuMs - b.streamCpuMs) / w, (cpuNanos - b.cpuNanos) / 1e6 / w, b.load, load);
        }
    }

    private static double pct(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }

    private static EegChunk chunk(String session, int seq, float[][] rec, List<String> montage) {
        int len = rec[0].length;
        float[] data = new float[CH * CHUNK];
        for (int c = 0; c < CH; c++) {
            for (int i = 0; i < CHUNK; i++) {
                data[c * CHUNK + i] = rec[c][(seq * CHUNK + i) % len];
            }
        }
        return EegChunk.newBuilder().setSessionId(session).setSequence(seq).setSampleRate(250).addAllChannelNames(montage)
            .setSamples(Tensors.ofFloats(data, CH, CHUNK)).setSubject("sub-01").setSentEpochMs(System.currentTimeMillis()).build();
    }

    private static float[][] recording(Path npyPath) throws Exception {
        ByteBuffer npy = ByteBuffer.wrap(Files.readAllBytes(npyPath)).order(ByteOrder.LITTLE_ENDIAN);
        int start = 10 + Short.toUnsignedInt(npy.getShort(8));
        int trials = 12;
        float[][] rec = new float[CH][trials * 250];
        var floats = npy.position(start).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int t = 0; t < trials; t++) {
            for (int c = 0; c < CH; c++) {
                floats.get(rec[c], t * 250, 250);
            }
        }
        return rec;
    }

    private static List<String> montage(Path card) throws Exception {
        String yaml = Files.readString(card);
        int at = yaml.indexOf("channels: [");
        String list = yaml.substring(at + "channels: [".length(), yaml.indexOf(']', at));
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
