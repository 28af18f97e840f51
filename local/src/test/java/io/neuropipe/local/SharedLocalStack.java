package io.neuropipe.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local stack for every test class that registers this extension, started on first use and
 * closed when the test run ends (it lives in JUnit's root store), so those classes pay for one
 * start-up. Tests that stop an application must start it again before they end.
 */
public final class SharedLocalStack implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedLocalStack.class);

    private LocalStack stack;

    @Override
    public void beforeAll(ExtensionContext context) {
        stack = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("stack", k -> new Running(), Running.class).stack;
    }

    public LocalStack get() {
        return stack;
    }

    private static final class Running implements AutoCloseable {
        final LocalStack stack;

        Running() {
            try {
                Path data = Files.createTempDirectory("neuropipe-test-stack-");
                stack = new LocalStack(new LocalOptions(data, Samples.ROOT.resolve("repository"), 0, false, 0, 0)).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
