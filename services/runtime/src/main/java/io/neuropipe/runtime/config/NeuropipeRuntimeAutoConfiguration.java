package io.neuropipe.runtime.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.cancel.CancellationRegistry;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.step.StepRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;

/** Beans every NeuroPipe service gets: the model repository and the step runner. */
@AutoConfiguration
@EnableConfigurationProperties({OnnxRuntimeProperties.class, ModelRepositoryProperties.class, StepProperties.class})
public class NeuropipeRuntimeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ExecutionProviders executionProviders(OnnxRuntimeProperties props, MeterRegistry registry) {
        ExecutionProviders providers = new ExecutionProviders(props);
        Gauge.builder("neuropipe.runtime.ep.fallback", providers, ExecutionProviders::fallbackCount)
            .description("Model sessions that fell back to CPU because the configured execution provider was unavailable")
            .register(registry);
        return providers;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "neuropipe.models.enabled", havingValue = "true", matchIfMissing = true)
    ModelRepository modelRepository(ModelRepositoryProperties props, ExecutionProviders providers, MeterRegistry registry) {
        return new ModelRepository(props, providers, registry);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnClass(StreamBridge.class)
    StepRunner stepRunner(StreamBridge bridge, StepProperties props, BindingServiceProperties bindings, MeterRegistry registry,
                          ClaimCheck claimCheck, CancellationRegistry cancellations) {
        return new StepRunner(bridge, props, bindings, registry, claimCheck, cancellations);
    }
}
