package io.backpressure.pipeline.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The calls of Confluent's registry API the serdes need. Implemented over HTTP, in memory for {@code mock://}
 * URLs ({@link MockSchemaRegistry}), and by a cache in front of either. Failures are {@link SerdeException}s.
 */
public interface SchemaRegistry {

    /** {@code POST /subjects/{subject}/versions}: registers the schema (or finds it already there) and returns its id. */
    int register(String subject, Schema schema);

    /** {@code POST /subjects/{subject}}: the id of a schema already registered under the subject; never registers. */
    int lookup(String subject, Schema schema);

    /** {@code GET /subjects/{subject}/versions/latest}. */
    Registered latest(String subject);

    /** {@code GET /schemas/ids/{id}}; throws {@link UnknownSchemaIdException} if there is no such id. */
    Schema byId(int id);

    /**
     * {@code POST /compatibility/subjects/{subject}/versions/latest}: whether the subject's compatibility rule would let
     * the schema be registered; empty when it would, else the registry's reasons (one "not compatible" when it gives
     * none). Never registers.
     */
    List<String> compatibility(String subject, Schema schema);

    /** A schema as registered under a subject. */
    record Registered(int id, int version, Schema schema) {
    }
}
