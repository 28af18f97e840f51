package io.neuropipe.encoder.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Galleries and retrieval ({@code neuropipe.encoder.gallery.*}).
 *
 * @param defaultGallery   gallery the {@code retrieve} step and EEG streams search when none is named
 * @param seedZoo          create the default gallery from the zoo's sample images at start-up when it is missing
 * @param zooSamples       directory of the zoo's sample set ({@code index.json} + PNG stimuli) the default gallery is built from
 * @param imageModel       model repository name of the image encoder that embeds uploaded images
 * @param defaultK         hits returned when a request does not say
 * @param maxK             largest k a request may ask for
 * @param maxEntriesPerUpload most entries one upload may add
 * @param maxImageBytes    largest uploaded image, in bytes
 * @param maxImageSide     largest uploaded image side, in pixels
 * @param thumbnailSide    longest side of a stored thumbnail; larger images are scaled down
 * @param refreshInterval  how often in-memory indexes are checked against the database's gallery versions
 *                         (changes made through this instance are visible at once; 0 = never check)
 * @param defaultTenant    tenant of gallery calls without the gateway's tenant header and of jobs and EEG streams
 *                         that name no tenant (the gateway's {@code neuropipe.gateway.default-tenant})
 */
@Validated
@ConfigurationProperties("neuropipe.encoder.gallery")
public record GalleryProperties(
        @NotBlank @DefaultValue("zoo") String defaultGallery,
        @DefaultValue("true") boolean seedZoo,
        @NotNull @DefaultValue("models/samples") Path zooSamples,
        @NotBlank @DefaultValue("image-encoder") String imageModel,
        @Min(1) @Max(1000) @DefaultValue("5") int defaultK,
        @Min(1) @Max(10000) @DefaultValue("100") int maxK,
        @Min(1) @Max(100000) @DefaultValue("1000") int maxEntriesPerUpload,
        @Min(1) @DefaultValue("8388608") int maxImageBytes,
        @Min(1) @Max(16384) @DefaultValue("4096") int maxImageSide,
        @Min(8) @Max(1024) @DefaultValue("128") int thumbnailSide,
        @NotNull @DefaultValue("5s") Duration refreshInterval,
        @NotNull @Pattern(regexp = GalleryProperties.TENANT) @DefaultValue("default") String defaultTenant) {

    /** A tenant id as the gateway issues them. */
    public static final String TENANT = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    public GalleryProperties {
        if (defaultK > maxK) {
            throw new IllegalArgumentException("neuropipe.encoder.gallery.default-k=" + defaultK
                + " exceeds neuropipe.encoder.gallery.max-k=" + maxK);
        }
    }

    /** Everything at its default (tests, tools). */
    public static GalleryProperties defaults(Path zooSamples) {
        return new GalleryProperties("zoo", true, zooSamples, "image-encoder", 5, 100, 1000, 8388608, 4096, 128, Duration.ofSeconds(5), "default");
    }
}
