package io.backpressure.pipeline.serde.internal;

import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/** Small helpers about schemas shared by the reader and writer side. */
final class Schemas {
    private static final int MAX_REASONS = 3;

    private Schemas() {
    }

    /** Avro's reader/writer check; null if compatible, else a one-line reason naming the first problems. */
    static String incompatibility(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility pair = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        return pair.getResult().getIncompatibilities().stream().limit(MAX_REASONS)
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .collect(Collectors.joining("; "));
    }
}
