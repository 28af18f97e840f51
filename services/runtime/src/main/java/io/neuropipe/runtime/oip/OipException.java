package io.neuropipe.runtime.oip;

/** An OIP request that cannot be served; answered with {@code status} and {@code {"error": message}}. */
public class OipException extends RuntimeException {

    private final int status;

    public OipException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static OipException badRequest(String message) {
        return new OipException(400, message);
    }

    static OipException notFound(String message) {
        return new OipException(404, message);
    }
}
