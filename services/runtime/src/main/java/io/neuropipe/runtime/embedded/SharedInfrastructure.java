package io.neuropipe.runtime.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One Kafka broker and one PostgreSQL server per JVM, started on first use and stopped when the
 * JVM exits. Integration tests of every module share them so a test run starts each only once.
 */
public final class SharedInfrastructure {

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedPostgresServer postgres;
    private static Path root;

    private SharedInfrastructure() {
    }

    public static synchronized EmbeddedKafkaBroker kafka() {
        if (kafka == null) {
            kafka = new EmbeddedKafkaBroker(root().resolve("kafka"), 0, 2).start();
        }
        return kafka;
    }

    public static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            postgres = new EmbeddedPostgresServer(root().resolve("postgres"), 0).fastCommits().start("neuropipe");
        }
        return postgres;
    }

    private static Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("neuropipe-infra-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(SharedInfrastructure::stopAll, "neuropipe-infra-stop"));
        }
        return root;
    }

    private static synchronized void stopAll() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        deleteQuietly(root);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: a temp directory left behind is harmless
        }
    }
}
