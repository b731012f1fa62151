package io.backpressure.pipeline.serde;

import static io.backpressure.pipeline.serde.SerdeFixtures.TOPIC;
import static io.backpressure.pipeline.serde.SerdeFixtures.config;
import static io.backpressure.pipeline.serde.SerdeFixtures.deserializer;
import static io.backpressure.pipeline.serde.SerdeFixtures.request;
import static io.backpressure.pipeline.serde.SerdeFixtures.serializer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.backpressure.schemas.WorkRequest;
import io.backpressure.schemas.WorkResult;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdeRoundTripTest {
    private final String scope = SerdeFixtures.freshScope();

    @Test
    void specificRecordRoundTripsWithEveryField() {
        Serde<WorkRequest> serde = AvroSerdes.specific(WorkRequest.class, config(scope), false);
        WorkRequest original = request("r-1");

        WorkRequest copy = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, original));

        assertEquals(original, copy);
        assertEquals("r-1", copy.getRequestId());
        assertEquals(Instant.parse("2026-01-02T03:04:05.678Z"), copy.getCreatedAt());
        assertEquals(Map.of("tenant", "acme", "trace", "t-r-1"), copy.getAttributes());
    }

    @Test
    void genericRecordRoundTripsReadWithItsWriterSchema() {
        Schema schema = SerdeFixtures.parse("""
                {"type": "record", "name": "Reading", "namespace": "test", "fields": [
                  {"name": "sensor", "type": "string"}, {"name": "value", "type": "double"},
                  {"name": "tags", "type": {"type": "array", "items": "string"}}]}""");
        GenericRecord original = new GenericData.Record(schema);
        original.put("sensor", "s-7");
        original.put("value", 21.5);
        original.put("tags", java.util.List.of("a", "b"));
        Serde<GenericRecord> serde = AvroSerdes.generic(config(scope), false);

        GenericRecord copy = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, original));

        assertEquals(schema, copy.getSchema());
        assertEquals(new Utf8("s-7"), copy.get("sensor"));
        assertEquals(21.5, copy.get("value"));
        assertEquals(original.toString(), copy.toString());
    }

    @Test
    void specificRecordReadsAsGenericRecordWhenSpecificReaderIsOff() {
        byte[] bytes = serializer(config(scope)).serialize(TOPIC, request("r-2"));

        Object read = deserializer(config(scope)).deserialize(TOPIC, bytes);

        GenericRecord record = assertInstanceOf(GenericRecord.class, read);
        assertEquals("r-2", record.get("requestId").toString());
        // No logical-type conversions for generic records, as in Confluent's deserializer: timestamps stay epoch millis.
        assertEquals(Instant.parse("2026-01-02T03:04:05.678Z").toEpochMilli(), record.get("createdAt"));
    }

    @Test
    void plainDeserializerWithSpecificReaderOnReadsTheClassTheWriterSchemaNames() {
        AvroSerializer<Object> serializer = serializer(config(scope));
        AvroDeserializer<Object> deserializer = deserializer(config(scope, AvroSerdes.SPECIFIC_AVRO_READER, "true"));
        WorkResult result = WorkResult.newBuilder().setRequestId("r-3").setAttempts(2)
                .setCompletedAt(Instant.ofEpochMilli(1_000)).setLatencyMs(40).setOutput(ByteBuffer.wrap(new byte[] {1, 2})).build();

        assertEquals(request("r-3"), deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, request("r-3"))));
        assertEquals(result, deserializer.deserialize("work-results", serializer.serialize("work-results", result)));
    }

    @Test
    void nullSerializesToNullAndDeserializesToNull() {
        Serde<WorkRequest> serde = AvroSerdes.specific(WorkRequest.class, config(scope), false);

        assertNull(serde.serializer().serialize(TOPIC, null));
        assertNull(serde.deserializer().deserialize(TOPIC, null));
    }

    @Test
    void keySerdeRegistersUnderTheKeySubject() {
        Serde<WorkRequest> keys = AvroSerdes.specific(WorkRequest.class, config(scope), true);

        byte[] bytes = keys.serializer().serialize(TOPIC, request("r-4"));

        MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
        assertEquals(registry.lookup(TOPIC + "-key", WorkRequest.getClassSchema()), ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertEquals(request("r-4"), keys.deserializer().deserialize(TOPIC, bytes));
    }
}
