package io.backpressure.pipeline.broker;

/** A part of the local stack could not start; the message is one line an operator can act on. */
public final class LocalStackException extends RuntimeException {
    public LocalStackException(String message) {
        super(message);
    }
}
