package io.neuropipe.gateway.job;

/** A job request naming no declared pipeline. */
public class UnknownPipelineException extends RuntimeException {

    private final String pipeline;

    public UnknownPipelineException(String pipeline) {
        super("No pipeline named '" + pipeline + "'; see GET /v1/pipelines");
        this.pipeline = pipeline;
    }

    public String pipeline() {
        return pipeline;
    }
}
