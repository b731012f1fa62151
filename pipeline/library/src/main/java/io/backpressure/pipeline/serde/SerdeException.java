package io.backpressure.pipeline.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Why a value could not be serialized or deserialized. {@link #kind()} is short and stable so the pipeline can put it
 * in the header of a dropped record and in metrics; {@link #retriable()} separates registry trouble, which passes,
 * from bytes that will never decode.
 */
public abstract sealed class SerdeException extends SerializationException
        permits WrongMagicByteException, TruncatedPayloadException, UnknownSchemaIdException, MalformedBodyException,
        RegistryUnavailableException, RegistryErrorException, IncompatibleSchemaException, InvalidDatumException {

    /** Stable names: they appear unchanged in headers, metrics and logs. */
    public enum Kind {
        /** The first byte is not Confluent's magic byte 0x00. */
        WRONG_MAGIC_BYTE,
        /** Fewer bytes than the 5-byte header, or a body that ends before its schema says it should. */
        TRUNCATED,
        /** The registry does not know the schema id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The body does not decode with the writer schema its header names. */
        MALFORMED_BODY,
        /** No configured registry URL answered. */
        REGISTRY_UNAVAILABLE,
        /** The registry answered with an error. */
        REGISTRY_ERROR,
        /** The writer schema cannot be read with the reader schema, or no reader class exists for it. */
        INCOMPATIBLE_SCHEMA,
        /** The object to serialize does not fit its own schema (a null in a non-null field, say). */
        INVALID_DATUM
    }

    private final Kind kind;

    protected SerdeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** A failure as one line: its type and message. */
    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace('\n', ' '));
    }

    public Kind kind() {
        return kind;
    }

    /**
     * True when the record's own bytes are at fault (wrong magic byte, truncated, malformed, a schema id the registry
     * says it does not hold, a writer schema that cannot be read): such a record is undecodable and is dropped. False
     * when the registry is: unreachable, timing out, refusing credentials, answering from a wrong path or with
     * something that is not JSON. That says nothing about the record, which must never be dropped for it.
     */
    public boolean causedByRecord() {
        return kind != Kind.REGISTRY_UNAVAILABLE && kind != Kind.REGISTRY_ERROR;
    }

    /** True if the same bytes may succeed later (the registry was down or overloaded), false if they never will. */
    public boolean retriable() {
        return false;
    }
}
