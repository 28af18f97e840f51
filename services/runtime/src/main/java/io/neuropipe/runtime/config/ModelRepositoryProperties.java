package io.neuropipe.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where models come from and which versions are served.
 *
 * @param repository     root of the model repository: {@code <name>/<version>/model.onnx + model.yaml}
 * @param pinnedVersions model name to the version to serve; models not listed serve their newest version
 * @param pollInterval   how often loaded models are checked for a newer version; 0 disables reloading
 * @param retireDelay    how long a replaced version stays open for runs still using it
 * @param warmUp         whether a model runs its fixture (or zero inputs) once when it loads
 */
@Validated
@ConfigurationProperties("neuropipe.models")
public record ModelRepositoryProperties(
        @NotNull @DefaultValue("models/repository") Path repository,
        @DefaultValue Map<String, Integer> pinnedVersions,
        @NotNull @DefaultValue("30s") Duration pollInterval,
        @NotNull @DefaultValue("60s") Duration retireDelay,
        @DefaultValue("true") boolean warmUp) {

    public ModelRepositoryProperties {
        pinnedVersions = pinnedVersions == null ? Map.of() : Map.copyOf(pinnedVersions);
    }
}
