package io.neuropipe.encoder.step;

import java.util.function.Consumer;

import io.neuropipe.runtime.step.StepRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the {@code retrieve} step to its topic (binding {@code retrieve-in-0}). */
@Configuration(proxyBeanMethods = false)
class RetrieveBinding {

    @Bean
    Consumer<Message<byte[]>> retrieve(StepRunner runner, RetrieveStep step) {
        return runner.consumer(step);
    }
}
