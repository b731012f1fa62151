package io.backpressure.pipeline.serde;

/** Data written with one schema cannot be read (or written) with another, or there is no class to read it into. */
public final class IncompatibleSchemaException extends SerdeException {
    private final String writerSchema;
    private final String readerSchema;

    public IncompatibleSchemaException(String writerSchema, String readerSchema, String reason) {
        super(Kind.INCOMPATIBLE_SCHEMA, "writer schema " + writerSchema + " cannot be read as reader schema " + readerSchema
                + ": " + reason, null);
        this.writerSchema = writerSchema;
        this.readerSchema = readerSchema;
    }

    /** Full name of the writer schema, with its registry id where known. */
    public String writerSchema() {
        return writerSchema;
    }

    public String readerSchema() {
        return readerSchema;
    }
}
