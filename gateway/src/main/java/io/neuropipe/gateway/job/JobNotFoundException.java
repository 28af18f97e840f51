package io.neuropipe.gateway.job;

/** No job with the requested id. */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String id) {
        super("No job with id '" + id + "'");
    }
}
