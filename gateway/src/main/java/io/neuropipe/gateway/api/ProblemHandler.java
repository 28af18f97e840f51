package io.neuropipe.gateway.api;

import java.net.URI;

import io.neuropipe.gateway.auth.BodyTooLargeException;
import io.neuropipe.gateway.config.StoreOutageProperties;
import io.neuropipe.gateway.job.IdempotencyConflictException;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobFinishedException;
import io.neuropipe.gateway.job.JobNotFoundException;
import io.neuropipe.gateway.job.UnknownPipelineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Maps failures to {@code application/problem+json} with a stable type per kind and the field at fault. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final long retryAfterSeconds;

    ProblemHandler(StoreOutageProperties storeOutage) {
        this.retryAfterSeconds = storeOutage.retryAfterSeconds();
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unknownPipeline(UnknownPipelineException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, Problems.UNKNOWN_PIPELINE, "Unknown pipeline", e.getMessage());
        p.setProperty("field", "pipeline");
        return ResponseEntity.badRequest().body(p);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidInput(InvalidInputException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, Problems.INVALID_INPUT, "Invalid input", e.getMessage());
        p.setProperty("field", e.field());
        p.setProperty("code", e.code().name());
        return ResponseEntity.badRequest().body(p);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> jobNotFound(JobNotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
            .body(problem(HttpStatus.NOT_FOUND, Problems.JOB_NOT_FOUND, "Job not found", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> artifactNotFound(ArtifactNotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
            .body(problem(HttpStatus.NOT_FOUND, Problems.ARTIFACT_NOT_FOUND, "Artifact not found", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> jobFinished(JobFinishedException e) {
        ProblemDetail p = problem(HttpStatus.CONFLICT, Problems.JOB_FINISHED, "Job already ended", e.getMessage());
        p.setProperty("status_of_job", e.state().name());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(p);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> idempotencyConflict(IdempotencyConflictException e) {
        ProblemDetail p = problem(HttpStatus.UNPROCESSABLE_CONTENT, Problems.IDEMPOTENCY_CONFLICT,
            "Idempotency key reused", e.getMessage());
        p.setProperty("field", "Idempotency-Key");
        return ResponseEntity.unprocessableContent().body(p);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> limitExceeded(LimitExceededException e) {
        ProblemDetail p = problem(HttpStatus.CONTENT_TOO_LARGE, Problems.TOO_LARGE, "Request too large", e.getMessage());
        p.setProperty("field", e.field());
        p.setProperty("limit", e.limit());
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(p);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> keyNotFound(AdminKeyController.KeyNotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
            .body(problem(HttpStatus.NOT_FOUND, Problems.KEY_NOT_FOUND, "API key not found", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> sampleNotFound(SampleController.SampleNotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
            .body(problem(HttpStatus.NOT_FOUND, Problems.SAMPLE_NOT_FOUND, "Sample not found", e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> malformedMultipart(MultipartException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, Problems.INVALID_INPUT, "Invalid input",
            "The multipart/form-data body cannot be read: " + firstLine(e.getMostSpecificCause().getMessage()));
        p.setProperty("field", "files");
        p.setProperty("code", "INVALID_INPUT");
        return ResponseEntity.badRequest().body(p);
    }

    /** PostgreSQL down or restarting: no connection ({@link TransactionException}) or a failed statement. */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        log.warn("Job store unavailable: {}", e.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
            .body(problem(HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Job store unavailable",
                "The job store could not complete the request; retry after " + retryAfterSeconds + " s"));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> internal(RuntimeException e) {
        log.error("Request failed", e);
        return ResponseEntity.internalServerError().body(problem(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL,
            "Internal error", "The gateway failed to handle the request"));
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p = problem(HttpStatus.CONTENT_TOO_LARGE, Problems.TOO_LARGE, "Upload too large",
            "The upload exceeds the limit of " + e.getMaxUploadSize() + " bytes");
        p.setProperty("field", "files");
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(p);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            Problems.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", "Send application/json or multipart/form-data"
                + " (supported here: " + e.getSupportedMediaTypes() + ")"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                ProblemDetail p = problem(HttpStatus.CONTENT_TOO_LARGE, Problems.TOO_LARGE, "Request body too large",
                    tooLarge.getMessage());
                p.setProperty("field", "body");
                p.setProperty("limit", tooLarge.limit());
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(p);
            }
        }
        String detail = e.getMostSpecificCause() == null ? e.getMessage() : e.getMostSpecificCause().getMessage();
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, Problems.MALFORMED_JSON,
            "Malformed JSON", "The request body is not valid JSON: " + firstLine(detail)));
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(type);
        p.setTitle(title);
        return p;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
