package io.neuropipe.generator.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.generator.engine.BatchingUnetRunner;
import io.neuropipe.generator.engine.DdimSampler;
import io.neuropipe.generator.engine.DirectUnetRunner;
import io.neuropipe.generator.engine.UnetEngine;
import io.neuropipe.generator.engine.UnetRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses how UNet calls run ({@code neuropipe.generator.batching.enabled}) and wires the sampler to it. */
@Configuration(proxyBeanMethods = false)
class GeneratorConfiguration {

    @Bean
    UnetRunner unetRunner(UnetEngine engine, GeneratorProperties props, MeterRegistry registry) {
        GeneratorProperties.Batching b = props.batching();
        return b.enabled() ? new BatchingUnetRunner(engine, b.maxBatchSize(), b.maxDelay(), b.queueCapacity(), registry)
            : new DirectUnetRunner(engine);
    }

    @Bean
    DdimSampler ddimSampler(UnetRunner unet) {
        return new DdimSampler(unet);
    }
}
