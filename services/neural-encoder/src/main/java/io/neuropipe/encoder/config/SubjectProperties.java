package io.neuropipe.encoder.config;

import java.nio.file.Path;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The subjects registry.
 *
 * @param adapterDirectory where uploaded adapter graphs are written (as a model repository) to be loaded; a cache
 *                         of the registry's copies, safe to delete
 * @param maxAdapterBytes  largest adapter graph a {@code POST /v1/subjects} may upload
 * @param seedZoo          whether the model repository's subjects (EEG encoder subject tokens, fMRI adapters) are
 *                         registered at start-up
 */
@Validated
@ConfigurationProperties("neuropipe.encoder.subjects")
public record SubjectProperties(
        @NotNull @DefaultValue("${java.io.tmpdir}/neuropipe-adapters") Path adapterDirectory,
        @Min(1024) @Max(1L << 30) @DefaultValue("67108864") long maxAdapterBytes,
        @DefaultValue("true") boolean seedZoo) {
}
