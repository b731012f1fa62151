package io.backpressure.pipeline.serde;

/** The header is valid but the body does not decode with the writer schema the header names. */
public final class MalformedBodyException extends SerdeException {
    public MalformedBodyException(int schemaId, String writerSchema, Throwable cause) {
        super(Kind.MALFORMED_BODY, "value body does not decode with writer schema " + writerSchema + " (id " + schemaId
                + "): " + describe(cause), cause);
    }
}
