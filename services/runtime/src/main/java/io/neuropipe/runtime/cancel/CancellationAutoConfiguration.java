package io.neuropipe.runtime.cancel;

import io.neuropipe.runtime.config.CancellationProperties;
import io.neuropipe.runtime.config.StepProperties;
import io.neuropipe.runtime.step.StepHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** The cancellation registry, fed from the cancel topic in applications that run steps. */
@AutoConfiguration
@EnableConfigurationProperties({CancellationProperties.class, StepProperties.class})
public class CancellationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CancellationRegistry cancellationRegistry(CancellationProperties props) {
        return new CancellationRegistry(props.capacity(), props.remember().toMillis());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(StepHandler.class)
    @ConditionalOnProperty(name = "neuropipe.cancellation.enabled", havingValue = "true", matchIfMissing = true)
    CancelTopicListener cancelTopicListener(CancellationRegistry registry, CancellationProperties props, StepProperties steps,
                                            Environment env) {
        String brokers = env.getProperty("spring.cloud.stream.kafka.binder.brokers",
            env.getProperty("spring.kafka.bootstrap-servers", "localhost:9092"));
        return new CancelTopicListener(registry, props, brokers, steps.service());
    }
}
