package io.neuropipe.runtime.model;

/** A model directory or graph that does not match its card: a load-time error naming the model and tensor. */
public class ModelContractException extends RuntimeException {

    public ModelContractException(String message) {
        super(message);
    }

    public ModelContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
