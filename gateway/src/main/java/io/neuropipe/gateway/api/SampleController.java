package io.neuropipe.gateway.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.neuropipe.gateway.config.ConsoleProperties;
import io.neuropipe.gateway.config.GatewayProperties;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The zoo's sample set, read-only: {@code GET /v1/samples} is its {@code index.json},
 * {@code GET /v1/samples/{file}} one file of the directory itself (plain names only; nothing
 * outside the directory, no sub-directories, no links leading out).
 */
@RestController
class SampleController {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Map<String, String> TYPES = Map.of("json", "application/json", "png", "image/png",
        "npy", "application/x-npy", "edf", UploadedFiles.EDF, "gz", UploadedFiles.NIFTI_GZ, "nii", UploadedFiles.NIFTI);

    private final Path root;

    SampleController(ConsoleProperties console, GatewayProperties gateway) {
        this.root = console.samplesOr(gateway.modelRepository()).toAbsolutePath().normalize();
    }

    @GetMapping("/v1/samples")
    ResponseEntity<Resource> index() {
        return file("index.json");
    }

    @GetMapping("/v1/samples/{file}")
    ResponseEntity<Resource> file(@PathVariable String file) {
        Path path = resolve(file);
        String ext = file.substring(file.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(TYPES.getOrDefault(ext, MediaType.APPLICATION_OCTET_STREAM_VALUE)))
            .body(new FileSystemResource(path));
    }

    private Path resolve(String file) {
        if (!NAME.matcher(file).matches() || file.contains("..")) {
            throw new SampleNotFoundException(file);
        }
        Path path = root.resolve(file).normalize();
        try {
            if (!path.getParent().equals(root) || !Files.isRegularFile(path)
                    || !path.toRealPath().startsWith(root.toRealPath())) {
                throw new SampleNotFoundException(file);
            }
        } catch (IOException e) {
            throw new SampleNotFoundException(file);
        }
        return path;
    }

    /** No such sample file. */
    static class SampleNotFoundException extends RuntimeException {
        SampleNotFoundException(String file) {
            super("No sample '" + file + "'");
        }
    }
}
