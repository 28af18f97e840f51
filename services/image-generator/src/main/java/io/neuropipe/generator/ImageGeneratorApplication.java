package io.neuropipe.generator;

import java.util.function.Consumer;

import io.neuropipe.generator.step.GenerateStep;
import io.neuropipe.runtime.step.StepRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** Condition embedding -> image (DDIM with classifier-free guidance). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ImageGeneratorApplication {

    public static final String CONFIG_NAME = "image-generator";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ImageGeneratorApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Consumer<Message<byte[]>> generate(StepRunner runner, GenerateStep step) {
        return runner.consumer(step);
    }
}
