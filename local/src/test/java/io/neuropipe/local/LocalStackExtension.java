package io.neuropipe.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.util.FileSystemUtils;

/**
 * A local stack for the test class that registers this extension (as a static field): started
 * before its first test in a fresh data directory, closed (and the directory deleted) after its
 * last, so no two stacks share the test JVM's heap.
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {

    private final boolean kafkaInChildProcess;
    private Path data;
    private LocalStack stack;

    public LocalStackExtension() {
        this(false);
    }

    private LocalStackExtension(boolean kafkaInChildProcess) {
        this.kafkaInChildProcess = kafkaInChildProcess;
    }

    /** A stack whose Kafka broker runs in a child JVM, so a test can crash it ({@link LocalStack#crashKafka()}). */
    public static LocalStackExtension withKafkaInChildProcess() {
        return new LocalStackExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        data = Files.createTempDirectory("neuropipe-test-stack-");
        stack = new LocalStack(new LocalOptions(data, Samples.ROOT.resolve("repository"), 0, false, 0, 0));
        if (kafkaInChildProcess) {
            stack.kafkaInChildProcess();
        }
        stack.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (stack != null) {
            stack.close();
            stack = null;
        }
        if (data != null) {
            FileSystemUtils.deleteRecursively(data);
        }
    }

    public LocalStack get() {
        return stack;
    }
}
