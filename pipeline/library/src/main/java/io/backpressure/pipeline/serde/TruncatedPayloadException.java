package io.backpressure.pipeline.serde;

/** The value ends too early: shorter than the 5-byte header, or a body cut short of what its schema needs. */
public final class TruncatedPayloadException extends SerdeException {
    public TruncatedPayloadException(String message, Throwable cause) {
        super(Kind.TRUNCATED, message, cause);
    }

    public static TruncatedPayloadException header(int length) {
        return new TruncatedPayloadException("value of " + length + " byte(s) is too short: a Confluent Avro value needs a "
                + "5-byte header (magic byte 0x00, 4-byte schema id) before its body", null);
    }
}
