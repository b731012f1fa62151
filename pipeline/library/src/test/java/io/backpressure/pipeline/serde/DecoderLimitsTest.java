package io.backpressure.pipeline.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.schemas.WorkRequest;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.SystemLimitException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: a value of a dozen bytes that declares a 1 GiB string fails as a malformed body (dropped as
 * UNDECODABLE by the pipeline), instead of making Avro allocate the gigabyte.
 */
class DecoderLimitsTest {

    /** Avro reads its limits once per JVM; other tests in this JVM may have fixed them already, so re-read them. */
    private static void rereadAvroLimits() throws Exception {
        Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
        reset.setAccessible(true);
        reset.invoke(null);
    }

    @AfterEach
    void restoreDefaults() throws Exception {
        System.clearProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY);
        System.clearProperty(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY);
        System.clearProperty(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY);
        rereadAvroLimits();
    }

    @Test
    void aValueDeclaringAGigabyteStringIsAMalformedBodyNotAnAllocation() throws Exception {
        DecoderLimits.apply(1024 * 1024, 1000);
        rereadAvroLimits(); // as in a fresh JVM, where Avro reads them after the app has set them
        assertThrows(SystemLimitException.class, () -> SystemLimitException.checkMaxStringLength(1024 * 1024 + 1));
        Map<String, Object> config = SerdeFixtures.config(SerdeFixtures.freshScope());
        byte[] valid = SerdeFixtures.<WorkRequest>serializer(config).serialize(SerdeFixtures.TOPIC, SerdeFixtures.request("r"));
        // Keep the 5-byte header (magic byte, schema id), then the first field, request_id, declares 2^30 bytes.
        ByteBuffer hostile = ByteBuffer.allocate(5 + 5).put(valid, 0, 5).put(zigZagVarLong(1L << 30));
        assertEquals(10, hostile.array().length);

        MalformedBodyException e = assertThrows(MalformedBodyException.class,
                () -> SerdeFixtures.<WorkRequest>deserializer(config).deserialize(SerdeFixtures.TOPIC, hostile.array()));
        assertTrue(e.causedByRecord());
        assertTrue(e.getMessage().contains("String length 1073741824 exceeds maximum allowed"), e.getMessage());
    }

    @Test
    void limitsAvroFixedEarlierAreReportedAsNotInForce() throws Exception {
        restoreDefaults();
        SystemLimitException.checkMaxStringLength(1);
        assertFalse(DecoderLimits.apply(1024, 10), "Avro had already read its (default) limits");
    }

    private static byte[] zigZagVarLong(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteBuffer out = ByteBuffer.allocate(10);
        while ((n & ~0x7FL) != 0) {
            out.put((byte) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.put((byte) n);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }
}
