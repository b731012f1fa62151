package io.backpressure.pipeline.serde;

/** The object handed to the serializer does not fit its own schema, or is not an Avro object at all. */
public final class InvalidDatumException extends SerdeException {
    public InvalidDatumException(String message, Throwable cause) {
        super(Kind.INVALID_DATUM, message, cause);
    }
}
