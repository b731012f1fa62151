package io.backpressure.pipeline.serde;

import static io.backpressure.pipeline.serde.SerdeFixtures.SUBJECT;
import static io.backpressure.pipeline.serde.SerdeFixtures.TOPIC;
import static io.backpressure.pipeline.serde.SerdeFixtures.config;
import static io.backpressure.pipeline.serde.SerdeFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.schemas.WorkRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** Older and newer writers meet the current class through Avro schema resolution, and use.latest.version. */
class SchemaEvolutionTest {
    private final String scope = SerdeFixtures.freshScope();
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);
    private final Serde<WorkRequest> serde = AvroSerdes.specific(WorkRequest.class, config(scope), false);

    @Test
    void specificReaderFillsDefaultsForFieldsAnOlderWriterLacked() {
        GenericRecord old = new GenericData.Record(SerdeFixtures.parse(SerdeFixtures.WORK_REQUEST_V0));
        old.put("requestId", "r-old");
        old.put("key", "k");
        old.put("payload", ByteBuffer.wrap("p".getBytes(StandardCharsets.UTF_8)));
        old.put("createdAt", 1_000L);
        byte[] bytes = SerdeFixtures.serializer(config(scope)).serialize(TOPIC, old);

        WorkRequest read = serde.deserializer().deserialize(TOPIC, bytes);

        assertEquals("r-old", read.getRequestId());
        assertEquals(Instant.ofEpochMilli(1_000), read.getCreatedAt());
        assertNull(read.getDeadline());
        assertEquals(Map.of(), read.getAttributes());
    }

    @Test
    void specificReaderSkipsFieldsANewerWriterAdded() {
        Schema newer = withPriority();
        GenericRecord record = new GenericData.Record(newer);
        WorkRequest current = request("r-new");
        for (Schema.Field field : WorkRequest.getClassSchema().getFields()) {
            record.put(field.name(), GenericData.get().deepCopy(field.schema(), rawValue(current, field)));
        }
        record.put("priority", 9);
        byte[] bytes = SerdeFixtures.serializer(config(scope)).serialize(TOPIC, record);

        assertEquals(current, serde.deserializer().deserialize(TOPIC, bytes));
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchemaAndItsId() {
        registry.register(SUBJECT, WorkRequest.getClassSchema());
        int latestId = registry.register(SUBJECT, withPriority());
        AvroSerializer<WorkRequest> serializer = SerdeFixtures.serializer(config(scope,
                AvroSerdes.AUTO_REGISTER_SCHEMAS, false, AvroSerdes.USE_LATEST_VERSION, true));

        byte[] bytes = serializer.serialize(TOPIC, request("r-1"));

        assertEquals(latestId, ByteBuffer.wrap(bytes, 1, 4).getInt());
        GenericRecord written = SerdeFixtures.<GenericRecord>deserializer(config(scope)).deserialize(TOPIC, bytes);
        assertEquals(withPriority(), written.getSchema());
        assertEquals(5, written.get("priority"), "the latest schema's default");
        assertEquals("r-1", written.get("requestId").toString());
        assertEquals(request("r-1"), serde.deserializer().deserialize(TOPIC, bytes));
    }

    @Test
    void useLatestVersionRefusesALatestSchemaThatCannotHoldTheRecord() {
        Schema stricter = SerdeFixtures.parse(withPriority().toString().replace(",\"default\":5", ""));
        registry.register(SUBJECT, stricter);
        AvroSerializer<WorkRequest> serializer = SerdeFixtures.serializer(config(scope,
                AvroSerdes.AUTO_REGISTER_SCHEMAS, false, AvroSerdes.USE_LATEST_VERSION, true));

        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class, () -> serializer.serialize(TOPIC, request("r-1")));

        assertTrue(e.getMessage().contains("use.latest.version"), e.getMessage());
        assertTrue(e.getMessage().contains("priority"), e.getMessage());
    }

    @Test
    void withoutAutoRegisterTheIdOfTheAlreadyRegisteredSchemaIsUsed() {
        registry.register("unrelated-value", withPriority());
        int id = registry.register(SUBJECT, WorkRequest.getClassSchema());
        AvroSerializer<WorkRequest> serializer = SerdeFixtures.serializer(config(scope, AvroSerdes.AUTO_REGISTER_SCHEMAS, "false"));

        byte[] bytes = serializer.serialize(TOPIC, request("r-1"));

        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    /** WorkRequest plus an int field with default 5. */
    private static Schema withPriority() {
        String current = WorkRequest.getClassSchema().toString();
        return SerdeFixtures.parse(current.substring(0, current.length() - 2)
                + ",{\"name\":\"priority\",\"type\":\"int\",\"default\":5}]}");
    }

    /** A field of a specific record as a generic record holds it (epoch millis instead of Instant). */
    private static Object rawValue(WorkRequest request, Schema.Field field) {
        Object value = request.get(field.pos());
        return value instanceof Instant instant ? instant.toEpochMilli() : value;
    }
}
