package io.neuropipe.gateway.api;

/** The job has no artifact of that name (yet). */
class ArtifactNotFoundException extends RuntimeException {

    ArtifactNotFoundException(String job, String name) {
        super("Job '" + job + "' has no artifact '" + name + "'");
    }
}
