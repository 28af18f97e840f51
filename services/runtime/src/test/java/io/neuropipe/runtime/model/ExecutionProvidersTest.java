package io.neuropipe.runtime.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.runtime.config.NeuropipeRuntimeAutoConfiguration;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties.ExecutionProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.stream.function.StreamBridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Execution provider selection on the CPU build of ONNX Runtime (the default; no GPU needed): CPU
 * is used as asked, CUDA and TensorRT fall back to CPU and are counted, thread settings reach the
 * session options on both paths. On a {@code -Pgpu} build with a GPU the fallback tests are skipped.
 */
class ExecutionProvidersTest {

    static OnnxRuntimeProperties props(ExecutionProvider provider, int intraOpThreads, int interOpThreads) {
        return new OnnxRuntimeProperties(provider, 0, 0, false, "", false, intraOpThreads, interOpThreads);
    }

    static void assumeCpuOnlyBuild() throws OrtException {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
            "this ONNX Runtime has the CUDA provider: fallback is not what happens here");
    }

    @Test
    void cpuIsSelectedForCpuWithoutFallback() throws Exception {
        ExecutionProviders providers = new ExecutionProviders(props(ExecutionProvider.CPU, 0, 0));

        ExecutionProviders.Selection selection = providers.options("m/1");

        assertThat(selection.activeProvider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(providers.fallbackCount()).isZero();
        assertSessionRuns(selection.options());
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionProvider.class, names = {"CUDA", "TENSORRT"})
    void gpuProvidersFallBackToCpuAndAreCounted(ExecutionProvider provider) throws Exception {
        assumeCpuOnlyBuild();
        ExecutionProviders providers = new ExecutionProviders(props(provider, 0, 0));

        ExecutionProviders.Selection first = providers.options("a/1");
        assertThat(first.activeProvider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(providers.fallbackCount()).isEqualTo(1);

        ExecutionProviders.Selection second = providers.options("b/1");
        assertThat(second.activeProvider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(providers.fallbackCount()).isEqualTo(2);

        // the options handed back are fresh and usable, not the ones the provider failed on
        assertSessionRuns(first.options());
    }

    @Test
    void threadSettingsReachTheOptionsOnTheCpuPath() throws Exception {
        List<RecordingOptions> created = new ArrayList<>();
        ExecutionProviders providers = new ExecutionProviders(props(ExecutionProvider.CPU, 3, 2), recording(created));

        providers.options("m/1");

        assertThat(created).singleElement().satisfies(o -> {
            assertThat(o.intraOpThreads).isEqualTo(3);
            assertThat(o.interOpThreads).isEqualTo(2);
            assertThat(o.optLevel).isEqualTo(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            assertThat(o.closed).isFalse();
        });
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionProvider.class, names = {"CUDA", "TENSORRT"})
    void threadSettingsSurviveTheFallback(ExecutionProvider provider) throws Exception {
        assumeCpuOnlyBuild();
        List<RecordingOptions> created = new ArrayList<>();
        ExecutionProviders providers = new ExecutionProviders(props(provider, 4, 2), recording(created));

        ExecutionProviders.Selection selection = providers.options("m/1");

        assertThat(created).hasSize(2);
        assertThat(created.get(0).closed).as("options the provider failed on are closed").isTrue();
        RecordingOptions cpu = created.get(1);
        assertThat(selection.options()).isSameAs(cpu);
        assertThat(cpu.closed).isFalse();
        assertThat(cpu.intraOpThreads).isEqualTo(4);
        assertThat(cpu.interOpThreads).isEqualTo(2);
        assertThat(cpu.optLevel).isEqualTo(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    @Test
    void zeroThreadsLeaveOnnxRuntimesDefaults() throws Exception {
        List<RecordingOptions> created = new ArrayList<>();
        new ExecutionProviders(props(ExecutionProvider.CPU, 0, 0), recording(created)).options("m/1");

        assertThat(created).singleElement().satisfies(o -> {
            assertThat(o.intraOpThreads).isNull();
            assertThat(o.interOpThreads).isNull();
        });
    }

    @Test
    void configuredProviderBindsAndFallbacksShowInTheGauge() throws Exception {
        assumeCpuOnlyBuild();
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NeuropipeRuntimeAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(StreamBridge.class)) // no step runner: no Kafka needed
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("neuropipe.models.enabled=false",
                "neuropipe.runtime.execution-provider=tensorrt", "neuropipe.runtime.intra-op-threads=2")
            .run(context -> {
                assertThat(context).hasNotFailed();
                OnnxRuntimeProperties props = context.getBean(OnnxRuntimeProperties.class);
                assertThat(props.executionProvider()).isEqualTo(ExecutionProvider.TENSORRT);
                assertThat(props.intraOpThreads()).isEqualTo(2);

                MeterRegistry registry = context.getBean(MeterRegistry.class);
                ExecutionProviders providers = context.getBean(ExecutionProviders.class);
                assertThat(registry.get("neuropipe.runtime.ep.fallback").gauge().value()).isZero();
                providers.options("m/1").options().close();
                assertThat(registry.get("neuropipe.runtime.ep.fallback").gauge().value()).isEqualTo(1.0);
            });
    }

    @Test
    void unknownProviderFailsStartUp() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(NeuropipeRuntimeAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(StreamBridge.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("neuropipe.models.enabled=false", "neuropipe.runtime.execution-provider=rocm")
            .run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("rocm"));
    }

    /** Loads a model of the zoo with the options and runs nothing more than session creation. */
    static void assertSessionRuns(OrtSession.SessionOptions options) throws OrtException, IOException {
        Optional<Path> model = anyZooModel();
        assumeTrue(model.isPresent(), "no model in models/repository");
        try (options; OrtSession session = OrtEnvironment.getEnvironment().createSession(model.get().toString(), options)) {
            assertThat(session.getInputNames()).isNotEmpty();
        }
    }

    static Optional<Path> anyZooModel() throws IOException {
        Path repository = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models/repository");
        if (!Files.isDirectory(repository)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(repository)) {
            return files.filter(p -> p.getFileName().toString().equals("model.onnx"))
                .min((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()));
        }
    }

    static java.util.function.Supplier<OrtSession.SessionOptions> recording(List<RecordingOptions> created) {
        return () -> {
            RecordingOptions options = new RecordingOptions();
            created.add(options);
            return options;
        };
    }

    /** Real session options that remember what was set on them. */
    static final class RecordingOptions extends OrtSession.SessionOptions {
        Integer intraOpThreads;
        Integer interOpThreads;
        OptLevel optLevel;
        boolean closed;

        @Override
        public void setIntraOpNumThreads(int threads) throws OrtException {
            intraOpThreads = threads;
            super.setIntraOpNumThreads(threads);
        }

        @Override
        public void setInterOpNumThreads(int threads) throws OrtException {
            interOpThreads = threads;
            super.setInterOpNumThreads(threads);
        }

        @Override
        public void setOptimizationLevel(OptLevel level) throws OrtException {
            optLevel = level;
            super.setOptimizationLevel(level);
        }

        @Override
        public void close() {
            closed = true;
            super.close();
        }
    }
}
