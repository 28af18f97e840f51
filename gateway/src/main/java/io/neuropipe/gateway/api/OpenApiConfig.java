package io.neuropipe.gateway.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description's title and its two ways to send an API key (springdoc serves it at /v3/api-docs). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI neuropipeOpenApi() {
        return new OpenAPI()
            .info(new Info().title("NeuroPipe gateway").version("v1")
                .description("Jobs (REST, SSE), artifacts, API keys and Open Inference Protocol v2. Errors are "
                    + "application/problem+json with a stable type under https://neuropipe.io/problems/."))
            .components(new Components()
                .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
                .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                    .in(SecurityScheme.In.HEADER).name("X-API-Key")))
            .addSecurityItem(new SecurityRequirement().addList("bearer"))
            .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
