package io.neuropipe.encoder;

import java.util.function.Consumer;

import io.neuropipe.encoder.step.EncodeStep;
import io.neuropipe.runtime.step.StepRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/** EEG/fMRI recordings -> embeddings in the shared space. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NeuralEncoderApplication {

    public static final String CONFIG_NAME = "neural-encoder";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(NeuralEncoderApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean
    Consumer<Message<byte[]>> encode(StepRunner runner, EncodeStep step) {
        return runner.consumer(step);
    }
}
