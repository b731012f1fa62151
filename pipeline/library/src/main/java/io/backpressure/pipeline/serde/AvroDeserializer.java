package io.backpressure.pipeline.serde;

import io.backpressure.pipeline.serde.internal.ReaderSchemas;
import io.backpressure.pipeline.serde.internal.Registries;
import io.backpressure.pipeline.serde.internal.SerdeConfig;
import io.backpressure.pipeline.serde.internal.WireFormat;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent's wire format. With {@code specific.avro.reader=false} (the default) values are
 * {@code GenericRecord}s read with their writer schema; with {@code true}, or when constructed with a class, they are
 * {@code SpecificRecord}s read with the class's schema, so older and newer writers resolve. Every failure is a
 * {@link SerdeException} whose {@link SerdeException#kind()} says what was wrong. Thread-safe.
 */
public class AvroDeserializer<T> implements Deserializer<T> {
    private final Class<T> specificType;
    private volatile ReaderSchemas readers;

    /** A deserializer whose mode comes from {@code specific.avro.reader}. */
    public AvroDeserializer() {
        this(null);
    }

    /** A deserializer that always reads into {@code specificType}, whatever {@code specific.avro.reader} says. */
    public AvroDeserializer(Class<T> specificType) {
        this.specificType = specificType;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = SerdeConfig.parse(configs);
        readers = new ReaderSchemas(Registries.open(config), config.specificAvroReader(), specificType);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        ReaderSchemas configured = readers;
        if (configured == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure(...) or use AvroSerdes");
        }
        int id = WireFormat.schemaId(data);
        ReaderSchemas.Reading reading = configured.forId(id);
        int bodyLength = data.length - WireFormat.HEADER_BYTES;
        try {
            return (T) reading.reader().read(null, DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_BYTES, bodyLength, null));
        } catch (EOFException e) {
            throw new TruncatedPayloadException("value body of " + bodyLength + " byte(s) ends before writer schema "
                    + reading.writer().getFullName() + " (id " + id + ") is complete", e);
        } catch (IOException | RuntimeException e) {
            // Arbitrary bytes make Avro fail in many ways: bad union index, negative length, invalid UTF-8, enum out of range...
            throw new MalformedBodyException(id, reading.writer().getFullName(), e);
        }
    }
}
