package io.neuropipe.encoder.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths to the repository's files (surefire sets {@code neuropipe.root}; {@code ../..} from the module otherwise). */
public final class TestFiles {

    private TestFiles() {
    }

    public static Path root() {
        return Path.of(System.getProperty("neuropipe.root", "../..")).toAbsolutePath().normalize();
    }

    public static Path sample(String name) {
        return root().resolve("models/samples").resolve(name);
    }

    public static Path resource(String name) {
        try {
            return Path.of(TestFiles.class.getResource("/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(name, e);
        }
    }

    public static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
