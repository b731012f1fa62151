package io.backpressure.pipeline.serde;

import static io.backpressure.pipeline.serde.SerdeFixtures.SUBJECT;
import static io.backpressure.pipeline.serde.SerdeFixtures.TOPIC;
import static io.backpressure.pipeline.serde.SerdeFixtures.config;
import static io.backpressure.pipeline.serde.SerdeFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.schemas.WorkRequest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every way a value can fail has its own type, a stable kind and a one-line message that says what to do. */
class SerdeErrorsTest {
    private final String scope = SerdeFixtures.freshScope();
    private final Map<String, Object> config = config(scope);
    private final AvroDeserializer<WorkRequest> deserializer = SerdeFixtures.deserializer(config(scope, AvroSerdes.SPECIFIC_AVRO_READER, true));

    private static <E extends SerdeException> E expect(Class<E> type, SerdeException.Kind kind, Executable call) {
        E e = assertThrows(type, call);
        assertEquals(kind, e.kind());
        assertTrue(e instanceof SerializationException, "Kafka's own type, so clients' handlers see it");
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    private byte[] valid() {
        return SerdeFixtures.<WorkRequest>serializer(config).serialize(TOPIC, request("r-1"));
    }

    @Test
    void wrongMagicByteNamesTheByteFound() {
        WrongMagicByteException e = expect(WrongMagicByteException.class, SerdeException.Kind.WRONG_MAGIC_BYTE,
                () -> deserializer.deserialize(TOPIC, new byte[] {7, 0, 0, 0, 1, 2, 3}));

        assertEquals(7, e.found());
        assertTrue(e.getMessage().contains("0x07"), e.getMessage());
    }

    @Test
    void valuesShorterThanTheHeaderAreTruncated() {
        for (byte[] value : new byte[][] {{}, {0}, {0, 0, 0, 1}}) {
            SerdeException e = expect(TruncatedPayloadException.class, SerdeException.Kind.TRUNCATED, () -> deserializer.deserialize(TOPIC, value));
            assertTrue(e.getMessage().contains(value.length + " byte(s)"), e.getMessage());
        }
    }

    @Test
    void bodyCutShortIsTruncatedAndNamesTheWriterSchema() {
        byte[] valid = valid();

        SerdeException e = expect(TruncatedPayloadException.class, SerdeException.Kind.TRUNCATED,
                () -> deserializer.deserialize(TOPIC, Arrays.copyOf(valid, valid.length - 3)));

        assertTrue(e.getMessage().contains("io.backpressure.schemas.WorkRequest (id 1)"), e.getMessage());
    }

    @Test
    void unknownSchemaIdNamesTheId() {
        UnknownSchemaIdException e = expect(UnknownSchemaIdException.class, SerdeException.Kind.UNKNOWN_SCHEMA_ID,
                () -> deserializer.deserialize(TOPIC, new byte[] {0, 0x7F, 0, 0, 1, 2, 3}));

        assertEquals(0x7F000001, e.schemaId());
        assertTrue(e.getMessage().contains("schema id 2130706433"), e.getMessage());
        assertFalse(e.retriable());
    }

    @Test
    void bodyThatDoesNotDecodeIsMalformed() {
        byte[] valid = valid();
        // requestId "r-1" is 06 'r' '-' '1'; make its length negative (zigzag 0x05 = -3).
        valid[5] = 0x05;

        SerdeException e = expect(MalformedBodyException.class, SerdeException.Kind.MALFORMED_BODY, () -> deserializer.deserialize(TOPIC, valid));

        assertTrue(e.getMessage().contains("(id 1)"), e.getMessage());
    }

    @Test
    void hugeCollectionCountIsRejectedWithoutAllocatingIt() {
        valid();
        // Header id 1, then requestId "a", key "b", empty payload, createdAt 0, deadline null, a map claiming 2^30 entries.
        byte[] evil = HexFormat.of().parseHex("0000000001" + "0261" + "0262" + "00" + "00" + "00" + "8080808008" + "026b" + "0276");

        SerdeException e = assertThrows(SerdeException.class, () -> deserializer.deserialize(TOPIC, evil));

        assertTrue(e.kind() == SerdeException.Kind.TRUNCATED || e.kind() == SerdeException.Kind.MALFORMED_BODY, e.kind().name());
    }

    @Test
    void writerSchemaTheReaderCannotResolveIsIncompatibleAndNamesBothSchemasAndTheReason() {
        // A WorkRequest without createdAt: the reader class has no default for it.
        Schema writer = SerdeFixtures.parse("""
                {"type": "record", "name": "WorkRequest", "namespace": "io.backpressure.schemas", "fields": [
                  {"name": "requestId", "type": "string"}, {"name": "key", "type": "string"}, {"name": "payload", "type": "bytes"}]}""");
        GenericData.Record old = new GenericData.Record(writer);
        old.put("requestId", "r");
        old.put("key", "k");
        old.put("payload", java.nio.ByteBuffer.allocate(0));
        byte[] bytes = SerdeFixtures.serializer(config).serialize(TOPIC, old);

        IncompatibleSchemaException e = expect(IncompatibleSchemaException.class, SerdeException.Kind.INCOMPATIBLE_SCHEMA,
                () -> deserializer.deserialize(TOPIC, bytes));

        assertEquals("io.backpressure.schemas.WorkRequest (id 1)", e.writerSchema());
        assertEquals("io.backpressure.schemas.WorkRequest", e.readerSchema());
        assertTrue(e.getMessage().contains("READER_FIELD_MISSING_DEFAULT_VALUE"), e.getMessage());
        assertTrue(e.getMessage().contains("createdAt"), e.getMessage());
    }

    @Test
    void specificReaderWithoutAClassForTheWriterSchemaIsIncompatible() {
        Schema unknown = SerdeFixtures.parse("{\"type\": \"record\", \"name\": \"Missing\", \"namespace\": \"nowhere\", \"fields\": []}");
        byte[] bytes = SerdeFixtures.serializer(config).serialize(TOPIC, new GenericData.Record(unknown));
        AvroDeserializer<Object> byWriterName = SerdeFixtures.deserializer(config(scope, AvroSerdes.SPECIFIC_AVRO_READER, true));

        IncompatibleSchemaException e = expect(IncompatibleSchemaException.class, SerdeException.Kind.INCOMPATIBLE_SCHEMA,
                () -> byWriterName.deserialize(TOPIC, bytes));

        assertTrue(e.getMessage().contains("no class nowhere.Missing"), e.getMessage());
        assertTrue(e.getMessage().contains("specific.avro.reader=false"), e.getMessage());
    }

    @Test
    void recordThatBreaksItsOwnSchemaIsAnInvalidDatum() {
        WorkRequest missingKey = request("r-1");
        missingKey.setKey(null);

        InvalidDatumException e = expect(InvalidDatumException.class, SerdeException.Kind.INVALID_DATUM,
                () -> SerdeFixtures.<WorkRequest>serializer(config).serialize(TOPIC, missingKey));

        assertTrue(e.getMessage().contains("io.backpressure.schemas.WorkRequest"), e.getMessage());
        assertTrue(e.getMessage().contains("key"), e.getMessage());
    }

    @Test
    void nonAvroObjectIsAnInvalidDatum() {
        InvalidDatumException e = expect(InvalidDatumException.class, SerdeException.Kind.INVALID_DATUM,
                () -> SerdeFixtures.serializer(config).serialize(TOPIC, "plain string"));

        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
    }

    @Test
    void lookupOfASchemaNeverRegisteredIsARegistryErrorThatSaysHowToFixIt() {
        Map<String, Object> noAutoRegister = config(scope, AvroSerdes.AUTO_REGISTER_SCHEMAS, false);

        RegistryErrorException e = expect(RegistryErrorException.class, SerdeException.Kind.REGISTRY_ERROR,
                () -> SerdeFixtures.<WorkRequest>serializer(noAutoRegister).serialize(TOPIC, request("r-1")));

        assertEquals(404, e.status());
        assertEquals(RegistryErrorException.SUBJECT_NOT_FOUND, e.errorCode());
        assertTrue(e.getMessage().contains(SUBJECT), e.getMessage());
        assertTrue(e.getMessage().contains("auto.register.schemas=true"), e.getMessage());
    }

    @Test
    void unconfiguredSerdesSaySo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AvroDeserializer<>().deserialize(TOPIC, new byte[5]));
        assertTrue(e.getMessage().contains("configure"), e.getMessage());
    }
}
