package io.backpressure.pipeline.serde;

/** The registry has no schema with the id found in the value's header. */
public final class UnknownSchemaIdException extends SerdeException {
    private final int schemaId;

    public UnknownSchemaIdException(int schemaId, String registry) {
        super(Kind.UNKNOWN_SCHEMA_ID, "schema id " + schemaId + " is unknown to the schema registry " + registry
                + ": the value was written against another registry, or the schema was deleted", null);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
