package io.neuropipe.decoder;

import java.util.function.Consumer;

import io.neuropipe.decoder.step.DecodeStep;
import io.neuropipe.runtime.step.StepRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** Prompt + optional prefix (vision tokens or a brain embedding) -> text, streamed. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LlmDecoderApplication {

    public static final String CONFIG_NAME = "llm-decoder";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(LlmDecoderApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Consumer<Message<byte[]>> decode(StepRunner runner, DecodeStep step) {
        return runner.consumer(step);
    }
}
