package io.neuropipe.runtime.oip;

import io.neuropipe.runtime.config.NeuropipeRuntimeAutoConfiguration;
import io.neuropipe.runtime.model.ModelRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.RestController;

/** Serves OIP v2 at {@code /v2} in services that are servlet web applications with a model repository. */
@AutoConfiguration(after = NeuropipeRuntimeAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RestController.class)
@ConditionalOnBean(ModelRepository.class)
@ConditionalOnProperty(name = "neuropipe.oip.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(OipProperties.class)
public class OipAutoConfiguration {

    @Bean
    OipController oipController(ModelRepository models, OipProperties props,
                                @Value("${spring.application.name:neuropipe}") String name) {
        return new OipController(models, props, name);
    }
}
