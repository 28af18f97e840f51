package io.neuropipe.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.decoder.config.MultimodalProperties;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.kv.SessionCacheProperties;
import io.neuropipe.decoder.prefix.ProbeModel;
import io.neuropipe.decoder.sched.BatchingProperties;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.spec.SpeculationProperties;
import io.neuropipe.decoder.spec.SpeculativeGenerator;
import io.neuropipe.decoder.step.DecodeStep;
import io.neuropipe.runtime.config.NeuropipeRuntimeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The decode step, batching engine and prefix cache as Spring wires them, with their documented properties. */
class DecoderWiringTest {

    @Configuration
    @ComponentScan(basePackageClasses = {LanguageModelEngine.class, ContinuousBatchingEngine.class, PrefixCache.class,
        SpeculativeGenerator.class, ProbeModel.class, DecodeStep.class})
    @EnableConfigurationProperties({DecoderProperties.class, BatchingProperties.class, PrefixCacheProperties.class,
        SessionCacheProperties.class, SpeculationProperties.class, MultimodalProperties.class})
    static class Wiring {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NeuropipeRuntimeAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader(StreamBridge.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withUserConfiguration(Wiring.class)
        .withPropertyValues("neuropipe.models.repository=" + ZooDecoder.ROOT.resolve("repository").toAbsolutePath(),
            "neuropipe.models.warm-up=false");

    @Test
    void theStepRunsOnTheBatchingEngineWithTheConfiguredBounds() {
        runner.withPropertyValues("neuropipe.decoder.batching.max-running=3", "neuropipe.decoder.batching.admit-timeout=2s",
                "neuropipe.decoder.batching.max-prefill-padding=0.5", "neuropipe.decoder.sessions.max-bytes=1000",
                "neuropipe.decoder.prefix-cache.enabled=true", "neuropipe.decoder.prefix-cache.low-fraction=0.5")
            .run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(DecodeStep.class).hasSingleBean(ContinuousBatchingEngine.class);
                BatchingProperties batching = context.getBean(BatchingProperties.class);
                assertThat(batching.maxRunning()).isEqualTo(3);
                assertThat(batching.queueCapacity()).isEqualTo(64);
                assertThat(batching.admitTimeout()).hasSeconds(2);
                assertThat(batching.maxPrefillPadding()).isEqualTo(0.5);
                assertThat(context.getBean(SessionCacheProperties.class).maxBytes()).isEqualTo(1000);
                PrefixCacheProperties cache = context.getBean(PrefixCacheProperties.class);
                assertThat(cache.enabled()).isTrue();
                assertThat(cache.lowFraction()).isEqualTo(0.5);
                assertThat(cache.highBits()).isEqualTo(4);
            });
    }

    @Test
    void invalidBoundsAndBitWidthsFailStartUpNamingTheKey() {
        runner.withPropertyValues("neuropipe.decoder.batching.max-running=0")
            .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("maxRunning"));
        runner.withPropertyValues("neuropipe.decoder.prefix-cache.low-bits=8", "neuropipe.decoder.prefix-cache.high-bits=4")
            .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("low-bits"));
        runner.withPropertyValues("neuropipe.decoder.prefix-cache.high-bits=3")
            .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("bits"));
    }
}
