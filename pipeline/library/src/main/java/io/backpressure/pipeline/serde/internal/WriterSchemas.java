package io.backpressure.pipeline.serde.internal;

import io.backpressure.pipeline.serde.IncompatibleSchemaException;
import io.backpressure.pipeline.serde.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, once per subject and record schema, which schema id goes in the header and which schema the body is
 * written with. Same precedence as Confluent's serializer: {@code auto.register.schemas} first, then
 * {@code use.latest.version}, else a lookup of the record's own schema.
 */
public final class WriterSchemas {
    private static final Logger LOG = LoggerFactory.getLogger(WriterSchemas.class);

    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final Memo<Key, Choice> choices = new Memo<>();

    public WriterSchemas(SchemaRegistry registry, boolean autoRegister, boolean useLatestVersion) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.useLatestVersion = useLatestVersion;
    }

    /**
     * @param id        the id for the header
     * @param writeWith the schema the body is encoded with
     * @param transcode true if the record must first be converted from its own schema to {@code writeWith}
     */
    public record Choice(int id, Schema writeWith, boolean transcode) {
    }

    private record Key(String subject, Schema schema) {
    }

    public Choice choose(String subject, Schema own) {
        return choices.get(new Key(subject, own), k -> decide(k.subject(), k.schema()));
    }

    private Choice decide(String subject, Schema own) {
        if (autoRegister) {
            int id = registry.register(subject, own);
            LOG.info("schema {} registered under subject {} with id {}", own.getFullName(), subject, id);
            return new Choice(id, own, false);
        }
        if (!useLatestVersion) {
            int id = registry.lookup(subject, own);
            LOG.info("schema {} found under subject {} with id {}", own.getFullName(), subject, id);
            return new Choice(id, own, false);
        }
        SchemaRegistry.Registered latest = registry.latest(subject);
        LOG.info("writing {} under subject {} with its latest version {} (id {})", own.getFullName(), subject, latest.version(), latest.id());
        if (sameEncoding(own, latest.schema())) {
            return new Choice(latest.id(), own, false);
        }
        String reason = Schemas.incompatibility(latest.schema(), own);
        if (reason != null) {
            throw new IncompatibleSchemaException(own.getFullName(), latest.schema().getFullName() + " (latest version of " + subject
                    + ", id " + latest.id() + ")", "use.latest.version cannot write this record with it: " + reason);
        }
        return new Choice(latest.id(), latest.schema(), true);
    }

    /**
     * Schemas with the same Parsing Canonical Form encode every value to the same bytes, whatever their docs,
     * properties or formatting (the registry's copy may come from another client, without {@code avro.java.string}).
     */
    private static boolean sameEncoding(Schema a, Schema b) {
        return SchemaNormalization.toParsingForm(a).equals(SchemaNormalization.toParsingForm(b));
    }
}
