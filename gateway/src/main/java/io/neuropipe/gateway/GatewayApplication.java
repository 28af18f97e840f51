package io.neuropipe.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The NeuroPipe gateway: REST and Kafka ingress for jobs, the PostgreSQL job store, the outbox
 * relay to the step topics and the consumer of the services' job events.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    /** Config file name ({@code gateway.yml}); several apps share one JVM in the local launcher. */
    public static final String CONFIG_NAME = "gateway";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class)
            .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
