package io.neuropipe.runtime.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.cancel.CancellationRegistry;
import io.neuropipe.runtime.metrics.DecodingMetrics;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.step.BlobOutageWait;
import io.neuropipe.runtime.step.StepRunner;
import io.neuropipe.runtime.trace.KafkaPathObservations;
import io.neuropipe.runtime.trace.StepTracing;
import io.neuropipe.runtime.trace.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;

/** Beans every NeuroPipe service gets: the model repository, the step runner, tracing and shared meters. */
@AutoConfiguration
@EnableConfigurationProperties({OnnxRuntimeProperties.class, ModelRepositoryProperties.class, StepProperties.class,
    BlobProperties.class})
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
                          ClaimCheck claimCheck, BlobProperties blobs, CancellationRegistry cancellations, Tracing tracing) {
        return new StepRunner(bridge, props, bindings, registry, claimCheck, new BlobOutageWait(blobs.outageWait()),
            cancellations, new StepTracing(tracing));
    }

    /** Spans through the OpenTelemetry SDK Spring Boot configures; a no-op one when tracing is not on the classpath. */
    @Bean
    @ConditionalOnMissingBean
    Tracing neuropipeTracing(ObjectProvider<OpenTelemetry> openTelemetry) {
        return new Tracing(openTelemetry.getIfAvailable(OpenTelemetry::noop));
    }

    @Bean
    @ConditionalOnMissingBean
    KafkaPathObservations kafkaPathObservations() {
        return new KafkaPathObservations();
    }

    @Bean
    @ConditionalOnMissingBean
    DecodingMetrics decodingMetrics(MeterRegistry registry) {
        return new DecodingMetrics(registry);
    }
}
