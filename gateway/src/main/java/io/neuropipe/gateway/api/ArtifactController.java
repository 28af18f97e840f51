package io.neuropipe.gateway.api;

import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.auth.Caller;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.neuropipe.gateway.job.ImageFormats;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.Npy;
import io.neuropipe.gateway.job.StepRow;
import io.neuropipe.gateway.job.StepStore;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.blob.BlobMissingException;
import io.neuropipe.runtime.blob.ClaimCheck;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/jobs/{id}/artifacts/{name}}: one artifact of a job in its own media type: images
 * as image/png (or image/jpeg), text as text/plain (application/json where its metadata says so),
 * tensors as OIP v2 JSON or, with {@code ?format=npy} or {@code Accept: application/x-npy}, as a
 * NumPy .npy file. {@code name} is
 * an artifact name, or {@code <step id>.<name>} where several steps produced the same name; a job's
 * inputs are served too ({@code input.<name>} when a step's output has the same name), uploaded
 * files in their own media type. Artifacts stored by claim check are read back from the blob store
 * and served like inline ones; one deleted with its job answers 404.
 */
@RestController
class ArtifactController {

    private final JobLookup lookup;
    private final StepStore steps;
    private final JobStore jobs;
    private final ClaimCheck blobs;

    ArtifactController(JobLookup lookup, StepStore steps, JobStore jobs, ClaimCheck blobs) {
        this.lookup = lookup;
        this.steps = steps;
        this.jobs = jobs;
        this.blobs = blobs;
    }

    @GetMapping("/v1/jobs/{id}/artifacts/{name:.+}")
    ResponseEntity<?> artifact(@PathVariable String id, @PathVariable String name,
                               @RequestParam(required = false) String format,
                               @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
                               @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        JobRow job = lookup.require(id, caller);
        Artifact a = inline(find(job, name).orElseThrow(() -> new ArtifactNotFoundException(id, name)), id, name);
        boolean npy = "npy".equalsIgnoreCase(format) || format == null && accept != null && accept.contains(Npy.MEDIA_TYPE);
        return switch (a.getValueCase()) {
            case PNG -> ResponseEntity.ok().contentType(ImageFormats.isJpeg(a.getPng()) ? MediaType.IMAGE_JPEG
                : MediaType.IMAGE_PNG).body(a.getPng().toByteArray());
            case TEXT -> ResponseEntity.ok().contentType(textType(a)).body(a.getText().getBytes(StandardCharsets.UTF_8));
            case TENSOR -> tensor(a, npy);
            case BLOB -> ResponseEntity.ok().contentType(mediaType(a.getBlob().getMediaType())).body(read(a, id, name));
            default -> throw new ArtifactNotFoundException(id, name);
        };
    }

    private Artifact inline(Artifact a, String id, String name) {
        try {
            return blobs.inline(a);
        } catch (BlobMissingException e) {
            throw new ArtifactNotFoundException(id, name);
        }
    }

    private byte[] read(Artifact a, String id, String name) {
        try {
            return blobs.bytes(a.getBlob());
        } catch (BlobMissingException e) {
            throw new ArtifactNotFoundException(id, name);
        }
    }

    private static ResponseEntity<?> tensor(Artifact a, boolean npy) {
        if (!npy) {
            TensorJson.View v = TensorJson.view(a.getTensor());
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(new OipTensor(a.getName(), v.datatype(), v.shape(), v.data()));
        }
        if (!Npy.supports(a.getTensor().getDtype())) {
            throw new InvalidInputException("format", "A " + a.getTensor().getDtype()
                + " tensor has no .npy form; ask for JSON");
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(Npy.MEDIA_TYPE))
            .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + a.getName() + ".npy\"")
            .body(Npy.write(a.getTensor()));
    }

    /** A tensor as an OIP v2 output: {@code {name, datatype, shape, data}}. */
    record OipTensor(String name, String datatype, List<Long> shape, Object data) {
    }

    private Optional<Artifact> find(JobRow job, String name) {
        List<Artifact> all = new ArrayList<>();
        for (StepRow row : steps.steps(job.id())) {
            for (Artifact a : row.artifacts()) {
                if (a.getName().equals(name) || (row.stepId() + "." + a.getName()).equals(name)) {
                    all.add(a);
                }
            }
        }
        return all.stream().findFirst().or(() -> jobs.inputs(job.id()).stream()
            .filter(a -> a.getName().equals(name) || ("input." + a.getName()).equals(name)).findFirst());
    }

    /** JSON text (the retrieve step's {@code retrieval}) says so in its metadata; other text is plain. */
    private static MediaType textType(Artifact a) {
        return MediaType.APPLICATION_JSON_VALUE.equals(a.getMetadataOrDefault(ArtifactJson.CONTENT_TYPE, ""))
            ? MediaType.APPLICATION_JSON : new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);
    }

    private static MediaType mediaType(String type) {
        try {
            return MediaType.parseMediaType(type);
        } catch (RuntimeException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }
}
