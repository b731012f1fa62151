package io.backpressure.pipeline.serde.internal;

import io.backpressure.pipeline.serde.SchemaRegistry;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Remembers every answer of the registry behind it, as Confluent's cached client does: a schema id never changes
 * its schema, and an id found for a subject and schema stays valid. The latest version of a subject is remembered
 * too (for {@code use.latest.version}), for the life of the serde, like Confluent's default. Failures are not cached.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {
    private final SchemaRegistry delegate;
    private final Memo<Integer, Schema> byId = new Memo<>();
    private final Memo<SubjectSchema, Integer> registered = new Memo<>();
    private final Memo<SubjectSchema, Integer> lookedUp = new Memo<>();
    private final Memo<String, Registered> latest = new Memo<>();

    public CachingSchemaRegistry(SchemaRegistry delegate) {
        this.delegate = delegate;
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    @Override
    public int register(String subject, Schema schema) {
        return registered.get(new SubjectSchema(subject, schema), k -> delegate.register(k.subject(), k.schema()));
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return lookedUp.get(new SubjectSchema(subject, schema), k -> delegate.lookup(k.subject(), k.schema()));
    }

    @Override
    public Registered latest(String subject) {
        return latest.get(subject, delegate::latest);
    }

    @Override
    public Schema byId(int id) {
        return byId.get(id, delegate::byId);
    }

    /** Not cached: asked rarely, and the answer changes with the subject. */
    @Override
    public List<String> compatibility(String subject, Schema schema) {
        return delegate.compatibility(subject, schema);
    }

    @Override
    public String toString() {
        return "Caching(" + delegate + ")";
    }
}
