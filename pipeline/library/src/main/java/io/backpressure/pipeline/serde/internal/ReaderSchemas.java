package io.backpressure.pipeline.serde.internal;

import io.backpressure.pipeline.serde.IncompatibleSchemaException;
import io.backpressure.pipeline.serde.SchemaRegistry;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The reader for each writer schema id. Generic mode reads with the writer schema. Specific mode reads into the class
 * the deserializer was made for or, like Confluent's, the class the writer schema names, using that class's own
 * schema as reader schema so Avro's schema resolution fills in defaults and skips removed fields.
 */
public final class ReaderSchemas {
    private final SchemaRegistry registry;
    private final boolean specific;
    private final Class<?> specificType;
    private final Memo<Integer, Reading> byId = new Memo<>();

    /** @param specificType the class to read into, or null to take the class the writer schema names */
    public ReaderSchemas(SchemaRegistry registry, boolean specific, Class<?> specificType) {
        this.registry = registry;
        this.specific = specific || specificType != null;
        this.specificType = specificType;
    }

    /** A writer schema and the reader that decodes bodies written with it. */
    public record Reading(Schema writer, DatumReader<Object> reader) {
    }

    public Reading forId(int id) {
        return byId.get(id, this::build);
    }

    private Reading build(int id) {
        Schema writer = registry.byId(id);
        if (!specific || (!isNamed(writer) && specificType == null)) {
            return new Reading(writer, new GenericDatumReader<>(writer, writer, GenericData.get()));
        }
        Class<?> type = specificType != null ? specificType : classNamedBy(id, writer);
        SpecificData model = SpecificData.getForClass(type);
        Schema reader;
        try {
            reader = model.getSchema(type);
        } catch (AvroRuntimeException e) {
            throw new IncompatibleSchemaException(describe(id, writer), type.getName(), "the class is not a generated Avro class: "
                    + e.getMessage());
        }
        String reason = Schemas.incompatibility(reader, writer);
        if (reason != null) {
            throw new IncompatibleSchemaException(describe(id, writer), reader.getFullName(), reason);
        }
        return new Reading(writer, new SpecificDatumReader<>(writer, reader, model));
    }

    private static boolean isNamed(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> true;
            default -> false;
        };
    }

    private static Class<?> classNamedBy(int id, Schema writer) {
        String name = SpecificData.getClassName(writer);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(name, false, loader != null ? loader : ReaderSchemas.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IncompatibleSchemaException(describe(id, writer), name, "specific.avro.reader=true but there is no class "
                    + name + " on the classpath (add the generated class, or read GenericRecord with specific.avro.reader=false)");
        }
    }

    private static String describe(int id, Schema writer) {
        return writer.getFullName() + " (id " + id + ")";
    }
}
