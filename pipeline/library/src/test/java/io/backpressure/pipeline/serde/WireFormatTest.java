package io.backpressure.pipeline.serde;

import static io.backpressure.pipeline.serde.SerdeFixtures.TOPIC;
import static io.backpressure.pipeline.serde.SerdeFixtures.config;
import static io.backpressure.pipeline.serde.SerdeFixtures.request;
import static io.backpressure.pipeline.serde.SerdeFixtures.serializer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.schemas.WorkRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** The exact bytes: what makes the serde interchangeable with Confluent's. */
class WireFormatTest {
    private final String scope = SerdeFixtures.freshScope();
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(scope);

    @Test
    void valueIsMagicByteThenBigEndianSchemaIdThenAvroBody() {
        Schema schema = SerdeFixtures.parse("""
                {"type": "record", "name": "Tiny", "fields": [{"name": "x", "type": "int"}, {"name": "s", "type": "string"}]}""");
        occupyIds(0x0102 - 1);
        GenericRecord record = new GenericData.Record(schema);
        record.put("x", -3);
        record.put("s", "ab");

        byte[] bytes = serializer(config(scope)).serialize(TOPIC, record);

        // 0x00 | id 258 as 00 00 01 02 | zigzag(-3) = 0x05 | length zigzag(2) = 0x04, 'a', 'b'
        assertEquals("00" + "00000102" + "05" + "046162", HexFormat.of().formatHex(bytes));
    }

    @Test
    void bodyIsExactlyThePlainAvroBinaryEncodingOfTheRecord() throws IOException {
        WorkRequest request = request("r-1");

        byte[] bytes = serializer(config(scope)).serialize(TOPIC, request);

        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
        new SpecificDatumWriter<>(WorkRequest.class).write(request, encoder);
        encoder.flush();
        assertEquals(0, bytes[0]);
        assertArrayEquals(plain.toByteArray(), Arrays.copyOfRange(bytes, 5, bytes.length));
    }

    @Test
    void idsAreAssignedInSequenceAndTheSameSchemaKeepsItsIdUnderEverySubject() {
        Schema a = SerdeFixtures.parse("{\"type\": \"record\", \"name\": \"A\", \"fields\": []}");
        Schema b = SerdeFixtures.parse("{\"type\": \"record\", \"name\": \"B\", \"fields\": []}");

        assertEquals(1, registry.register("one-value", a));
        assertEquals(2, registry.register("one-value", b));
        assertEquals(1, registry.register("two-value", a));
        assertEquals(2, registry.latest("one-value").version());
    }

    private void occupyIds(int count) {
        for (int i = 0; i < count; i++) {
            registry.register("filler-value", SerdeFixtures.parse("{\"type\": \"fixed\", \"name\": \"F" + i + "\", \"size\": 1}"));
        }
    }
}
