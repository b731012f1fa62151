package io.backpressure.pipeline.serde;

import io.backpressure.pipeline.serde.internal.AvroBodies;
import io.backpressure.pipeline.serde.internal.Registries;
import io.backpressure.pipeline.serde.internal.SerdeConfig;
import io.backpressure.pipeline.serde.internal.WireFormat;
import io.backpressure.pipeline.serde.internal.WriterSchemas;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@code GenericRecord}s and {@code SpecificRecord}s in Confluent's wire format under the subject
 * {@code <topic>-value} or {@code <topic>-key}, producing the same bytes as Confluent's {@code KafkaAvroSerializer}.
 * Configure with {@link #configure} (Confluent's setting names; see {@link AvroSerdes}) before use. Thread-safe.
 */
public class AvroSerializer<T> implements Serializer<T> {
    private volatile Configured state;
    /**
     * What the last record was written with. A serializer almost always writes one schema to one topic, so this spares
     * every record the subject name, the lookup and a new datum writer (Avro's writers hold no per-record state).
     */
    private volatile LastWrite last;

    private record Configured(WriterSchemas writers, boolean isKey) {
    }

    private record LastWrite(String topic, Schema schema, WriterSchemas.Choice choice, DatumWriter<Object> writer) {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = SerdeConfig.parse(configs);
        state = new Configured(new WriterSchemas(Registries.open(config), config.autoRegisterSchemas(), config.useLatestVersion()), isKey);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Configured configured = configured();
        if (!(data instanceof GenericContainer container)) {
            throw new InvalidDatumException("cannot serialize a " + data.getClass().getName() + " for topic " + topic
                    + ": AvroSerializer takes GenericRecord or SpecificRecord values", null);
        }
        LastWrite write = lastWrite(topic, container.getSchema(), data, configured);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        WireFormat.writeHeader(out, write.choice().id());
        try {
            if (write.choice().transcode()) {
                Object converted = AvroBodies.transcode(data, container.getSchema(), modelOf(data), write.choice().writeWith());
                AvroBodies.write(out, write.writer(), converted);
            } else {
                AvroBodies.write(out, write.writer(), data);
            }
        } catch (NullPointerException | ClassCastException | AvroRuntimeException e) {
            // Avro reports a value that does not fit its schema with these, e.g. "null value for (non-nullable) string at X.key".
            throw new InvalidDatumException("cannot serialize " + container.getSchema().getFullName() + " for topic " + topic + ": "
                    + SerdeException.describe(e), e);
        }
        return out.toByteArray();
    }

    /**
     * Settles now, with the registry, the schema id that records of {@code schema} written to {@code topic} will carry,
     * so the first record does not wait on the registry and a schema the registry refuses is reported before any work.
     */
    public void prepare(String topic, Schema schema) {
        Configured configured = configured();
        configured.writers().choose(subject(topic, configured), schema);
    }

    private LastWrite lastWrite(String topic, Schema schema, Object data, Configured configured) {
        LastWrite write = last;
        if (write != null && write.schema() == schema && write.topic().equals(topic)) {
            return write;
        }
        WriterSchemas.Choice choice = configured.writers().choose(subject(topic, configured), schema);
        GenericData model = choice.transcode() ? GenericData.get() : modelOf(data);
        @SuppressWarnings("unchecked")
        DatumWriter<Object> writer = model.createDatumWriter(choice.writeWith());
        write = new LastWrite(topic, schema, choice, writer);
        last = write;
        return write;
    }

    private Configured configured() {
        Configured configured = state;
        if (configured == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure(...) or use AvroSerdes");
        }
        return configured;
    }

    private static String subject(String topic, Configured configured) {
        return topic + (configured.isKey() ? "-key" : "-value");
    }

    /** The data model whose conversions the generated class relies on (timestamp-millis as Instant, say). */
    private static GenericData modelOf(Object data) {
        if (data instanceof SpecificRecordBase generated) {
            return generated.getSpecificData();
        }
        return data instanceof SpecificRecord ? SpecificData.get() : GenericData.get();
    }
}
