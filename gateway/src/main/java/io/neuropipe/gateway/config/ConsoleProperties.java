package io.neuropipe.gateway.config;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The web console and the sample set it offers ({@code neuropipe.gateway.console.*}).
 *
 * @param samples directory of the zoo's sample set ({@code index.json} + files), served read-only
 *                at {@code /v1/samples}; unset = {@code samples} next to the model repository
 */
@ConfigurationProperties("neuropipe.gateway.console")
public record ConsoleProperties(Path samples) {

    public Path samplesOr(Path modelRepository) {
        return samples != null ? samples : modelRepository.toAbsolutePath().normalize().resolveSibling("samples");
    }
}
