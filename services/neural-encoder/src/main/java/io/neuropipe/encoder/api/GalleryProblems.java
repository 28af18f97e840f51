package io.neuropipe.encoder.api;

import java.net.URI;

import io.neuropipe.encoder.gallery.GalleryExistsException;
import io.neuropipe.encoder.gallery.GalleryReadOnlyException;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.StepException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;

/** RFC 9457 problems for the gallery API, one stable {@code type} per error code. */
@RestControllerAdvice(assignableTypes = GalleryController.class)
class GalleryProblems {

    private static final String TYPE = "https://neuropipe.io/problems/";

    @ExceptionHandler
    ProblemDetail step(StepException e) {
        HttpStatus status = e instanceof GalleryExistsException ? HttpStatus.CONFLICT
            : e instanceof GalleryReadOnlyException ? HttpStatus.FORBIDDEN : switch (e.code()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INVALID_INPUT, SHAPE_MISMATCH -> HttpStatus.BAD_REQUEST;
            case UNAVAILABLE, MODEL_UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
        String kind = e instanceof GalleryExistsException ? "conflict" : e instanceof GalleryReadOnlyException ? "forbidden"
            : e.code().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return problem(status, kind, e.getMessage());
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class, MultipartException.class})
    ProblemDetail unreadable(Exception e) {
        return problem(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_INPUT.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            "Unreadable request: " + e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String kind, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPE + kind));
        p.setTitle(status.getReasonPhrase());
        return p;
    }
}
