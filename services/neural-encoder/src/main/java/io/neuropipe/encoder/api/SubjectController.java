package io.neuropipe.encoder.api;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import io.neuropipe.encoder.config.SubjectProperties;
import io.neuropipe.encoder.subject.Subject;
import io.neuropipe.encoder.subject.SubjectExistsException;
import io.neuropipe.encoder.subject.SubjectRegistry;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.model.ModelContractException;
import io.neuropipe.runtime.step.InvalidInputException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code /v1/subjects}: list, look up and register subjects. A new fMRI subject is a multipart
 * POST of {@code metadata} (JSON: {@code id}, {@code voxel_count}, {@code sha256}) and
 * {@code adapter} (the ONNX graph: pooled voxels -> the translator's hidden space).
 */
@RestController
@RequestMapping("/v1/subjects")
public class SubjectController {

    static final String TYPE = "https://neuropipe.io/problems/";

    private final SubjectRegistry registry;
    private final SubjectProperties props;

    public SubjectController(SubjectRegistry registry, SubjectProperties props) {
        this.registry = registry;
        this.props = props;
    }

    /** What a POST describes. */
    public record NewSubject(String id, String modality, Integer voxel_count, String sha256) {
    }

    /** A subject as the API shows it. */
    public record SubjectView(String id, String modality, List<String> montage, Integer voxel_count, String adapter_model,
                              int adapter_version, String sha256, boolean uploaded, String created) {

        static SubjectView of(Subject s) {
            return new SubjectView(s.id(), s.modality().key(), s.montage().isEmpty() ? null : s.montage(),
                s.voxelCount() > 0 ? s.voxelCount() : null, s.adapterModel(), s.adapterVersion(), s.sha256(), s.uploaded(),
                s.created().toString());
        }
    }

    @GetMapping
    public List<SubjectView> list() {
        return registry.all().stream().map(SubjectView::of).toList();
    }

    @GetMapping("/{id}")
    public SubjectView get(@PathVariable String id) {
        return registry.find(id).map(SubjectView::of).orElseThrow(() -> new InvalidInputException(ErrorCode.NOT_FOUND,
            "Unknown subject '" + id + "'"));
    }

    @PostMapping(consumes = "multipart/form-data")
    public ResponseEntity<SubjectView> register(@RequestPart("metadata") NewSubject metadata,
                                                @RequestPart("adapter") MultipartFile adapter) throws IOException {
        if (metadata.modality() != null && Subject.Modality.parse(metadata.modality()) != Subject.Modality.FMRI) {
            throw new InvalidInputException("Only fMRI subjects can be registered: an EEG subject has no adapter graph of its own"
                + " (EEG from an unknown person uses the encoder's subject-agnostic path: omit 'subject')");
        }
        if (metadata.voxel_count() == null) {
            throw new InvalidInputException("metadata.voxel_count is required (voxels in the subject's mask)");
        }
        if (adapter.getSize() > props.maxAdapterBytes()) {
            throw new InvalidInputException("The adapter graph of " + adapter.getSize() + " bytes exceeds the limit of "
                + props.maxAdapterBytes() + " bytes (neuropipe.encoder.subjects.max-adapter-bytes)");
        }
        Subject s = registry.register(metadata.id(), metadata.voxel_count(), metadata.sha256(), adapter.getBytes());
        return ResponseEntity.created(URI.create("/v1/subjects/" + s.id())).body(SubjectView.of(s));
    }

    @ExceptionHandler(InvalidInputException.class)
    ProblemDetail invalid(InvalidInputException e) {
        boolean notFound = e.code() == ErrorCode.NOT_FOUND;
        return problem(notFound ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST, notFound ? "subject-not-found" : "invalid-subject",
            e.getMessage());
    }

    @ExceptionHandler({org.springframework.web.multipart.support.MissingServletRequestPartException.class,
        org.springframework.http.converter.HttpMessageNotReadableException.class})
    ProblemDetail unreadable(Exception e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-subject", "A subject is registered with the multipart parts 'metadata'"
            + " (JSON: id, voxel_count, sha256) and 'adapter' (ONNX): " + e.getMessage());
    }

    @ExceptionHandler(SubjectExistsException.class)
    ProblemDetail exists(SubjectExistsException e) {
        return problem(HttpStatus.CONFLICT, "subject-exists", e.getMessage());
    }

    @ExceptionHandler(ModelContractException.class)
    ProblemDetail contract(ModelContractException e) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, "adapter-contract", e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String type, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPE + type));
        p.setTitle(status.getReasonPhrase());
        return p;
    }
}
