package io.neuropipe.pruner;

import java.util.function.Consumer;

import io.neuropipe.pruner.step.PruneStep;
import io.neuropipe.runtime.step.StepRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** Image -> vision tokens -> pruned vision tokens. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TokenPrunerApplication {

    public static final String CONFIG_NAME = "token-pruner";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(TokenPrunerApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Consumer<Message<byte[]>> prune(StepRunner runner, PruneStep step) {
        return runner.consumer(step);
    }
}
