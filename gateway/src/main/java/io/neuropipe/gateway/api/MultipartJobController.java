package io.neuropipe.gateway.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.neuropipe.gateway.auth.Caller;
import io.neuropipe.gateway.config.LimitsProperties;
import io.neuropipe.gateway.job.UploadedBlob;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobService;
import io.neuropipe.gateway.job.JobSubmission;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.blob.BlobStore;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/jobs} as {@code multipart/form-data}: field {@code pipeline} (or a {@code request}
 * field holding the JSON request, whose {@code inputs} and {@code params} are merged), optional
 * {@code params} (a JSON object), and one file per input, the part named after the input (see
 * {@link UploadedFiles} for the accepted files). Limits: {@code neuropipe.gateway.limits.max-files}
 * and {@code max-file-bytes}.
 */
@RestController
class MultipartJobController {

    private final JobRequestReader requests;
    private final JobService service;
    private final ObjectMapper json;
    private final LimitsProperties limits;
    private final BlobStore blobStore;

    MultipartJobController(JobRequestReader requests, JobService service, ObjectMapper json, LimitsProperties limits,
                           BlobStore blobStore) {
        this.blobStore = blobStore;
        this.requests = requests;
        this.service = service;
        this.json = json;
        this.limits = limits;
    }

    @PostMapping(path = "/v1/jobs", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JobViews.Accepted> submit(MultipartHttpServletRequest request,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                             @RequestHeader(name = "traceparent", required = false) String traceparent,
                                             @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        List<MultipartFile> files = new ArrayList<>();
        request.getMultiFileMap().values().forEach(files::addAll);
        if (files.size() > limits.maxFiles()) {
            throw new LimitExceededException("files", files.size() + " files exceed the limit of " + limits.maxFiles()
                + " per request", limits.maxFiles());
        }
        for (MultipartFile f : files) {
            if (f.getSize() > limits.maxFileBytes()) {
                throw new LimitExceededException("files." + f.getName(), "File '" + f.getName() + "' of " + f.getSize()
                    + " bytes exceeds the limit of " + limits.maxFileBytes() + " bytes", limits.maxFileBytes());
            }
        }
        JobRequestReader.Parsed parsed = requests.parse(body(request));
        Map<String, Artifact> inputs = new HashMap<>(parsed.inputs());
        List<UploadedBlob> blobs = new ArrayList<>();
        for (MultipartFile f : files) {
            String field = "files." + f.getName();
            var def = JobRequestReader.input(parsed.pipeline(), f.getName(), "files.");
            if (inputs.containsKey(f.getName())) {
                throw new InvalidInputException(field, "Input '" + f.getName() + "' is given twice");
            }
            UploadedFiles.Upload upload = UploadedFiles.read(f, def.kind(), field, limits.maxTensorElements(), blobStore);
            inputs.put(f.getName(), upload.artifact());
            if (upload.blob() != null) {
                blobs.add(upload.blob());
            }
        }
        JobSubmission submission = new JobSubmission(caller.tenant(), key, parsed.pipeline().name(), inputs,
            parsed.params(), 0, traceparent);
        return JobController.accepted(service.submit(submission, blobs));
    }

    private JsonNode body(MultipartHttpServletRequest request) {
        ObjectNode body = json.createObjectNode();
        String raw = request.getParameter("request");
        if (raw != null) {
            JsonNode parsed = readJson(raw, "request");
            if (!parsed.isObject()) {
                throw new InvalidInputException("request", "Must be a JSON object {pipeline, inputs, params}");
            }
            body.setAll((ObjectNode) parsed);
        }
        String pipeline = request.getParameter("pipeline");
        if (pipeline != null) {
            body.put("pipeline", pipeline);
        }
        String params = request.getParameter("params");
        if (params != null) {
            body.set("params", readJson(params, "params"));
        }
        return body;
    }

    private JsonNode readJson(String raw, String field) {
        try {
            return json.readTree(raw);
        } catch (JacksonException e) {
            throw new InvalidInputException(field, "Is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
