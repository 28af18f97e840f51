package io.neuropipe.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -jar local/target/neuropipe-local.jar [--data-dir=DIR] [--models=DIR] [--port=8080]
 * [--kafka-port=9092] [--postgres-port=5433]}: starts the platform in this JVM and stops it on Ctrl-C.
 */
public final class LocalLauncher {

    private LocalLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalOptions options = parse(args);
        long start = System.nanoTime();
        LocalStack stack = new LocalStack(options).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("NeuroPipe: stopping...");
            stack.close();
        }, "neuropipe-stop"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Integer> ports = stack.ports();
        System.out.printf("%nNeuroPipe is up in %.1f s%n", took.toMillis() / 1000.0);
        System.out.println("  Gateway:      " + stack.gatewayUrl() + "  (health: " + stack.gatewayUrl() + "/actuator/health)");
        System.out.println("  Pipelines:    " + stack.gatewayUrl() + "/v1/pipelines");
        ports.forEach((name, port) -> {
            if (!name.equals("gateway")) {
                System.out.println("  " + pad(name + ":") + "http://localhost:" + port + "/actuator/health");
            }
        });
        System.out.println("  Kafka:        " + stack.bootstrapServers());
        System.out.println("  PostgreSQL:   " + stack.jdbcUrl() + " (user postgres)");
        System.out.println("  Data:         " + options.dataDir().toAbsolutePath());
        System.out.println("Press Ctrl-C to stop.");
        Thread.currentThread().join();
    }

    private static String pad(String s) {
        return String.format("%-14s", s);
    }

    static LocalOptions parse(String[] args) {
        LocalOptions d = LocalOptions.defaults();
        Path dataDir = d.dataDir();
        Path models = d.modelRepository();
        int port = d.gatewayPort();
        int kafkaPort = d.kafkaPort();
        int pgPort = d.postgresPort();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("Arguments look like --name=value; got " + arg);
            }
            switch (kv[0]) {
                case "--data-dir" -> dataDir = Path.of(kv[1]);
                case "--models" -> models = Path.of(kv[1]);
                case "--port" -> port = Integer.parseInt(kv[1]);
                case "--kafka-port" -> kafkaPort = Integer.parseInt(kv[1]);
                case "--postgres-port" -> pgPort = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("Unknown argument " + kv[0]
                    + "; known: --data-dir, --models, --port, --kafka-port, --postgres-port");
            }
        }
        return new LocalOptions(dataDir, models, port, port != 0, kafkaPort, pgPort);
    }
}
