package io.neuropipe.gateway.api;

import io.neuropipe.gateway.auth.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.JobRow;
import io.neuropipe.gateway.job.JobState;
import io.neuropipe.gateway.job.JobStore;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/jobs?status=&pipeline=&page=&size=}: jobs newest first, a page at a time. */
@RestController
class JobListController {

    static final int MAX_SIZE = 100;

    /** One job in a listing. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Summary(String id, String pipeline, String status, Instant created, Instant finished,
                   Map<String, String> links) {
    }

    /** A page of jobs; {@code next} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Page(List<Summary> items, int page, int size, long total, String next) {
    }

    private final JobStore jobs;

    JobListController(JobStore jobs) {
        this.jobs = jobs;
    }

    @GetMapping("/v1/jobs")
    Page list(@RequestParam(required = false) String status, @RequestParam(required = false) String pipeline,
              @RequestParam(required = false) String page, @RequestParam(required = false) String size,
              @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        JobState state = state(status);
        int p = number(page, "page", 0, Integer.MAX_VALUE / MAX_SIZE, 0);
        int s = number(size, "size", 1, MAX_SIZE, 20);
        String filter = pipeline == null || pipeline.isBlank() ? null : pipeline;
        String tenant = caller.tenantFilter();
        List<Summary> items = jobs.list(tenant, state, filter, s, (long) p * s).stream().map(JobListController::summary)
            .toList();
        long total = jobs.count(tenant, state, filter);
        String next = (long) (p + 1) * s < total ? "/v1/jobs?page=" + (p + 1) + "&size=" + s
            + (state == null ? "" : "&status=" + state) + (filter == null ? "" : "&pipeline=" + filter) : null;
        return new Page(items, p, s, total, next);
    }

    private static Summary summary(JobRow j) {
        String id = j.id().toString();
        return new Summary(id, j.pipeline(), j.state().name(), j.created(), j.finished(), JobViews.links(id));
    }

    private static JobState state(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return JobState.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("status", "Must be one of " + List.of(JobState.values()));
        }
    }

    private static int number(String value, String field, int min, int max, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException(field, "Must be a whole number in [" + min + ", " + max + "]");
    }
}
