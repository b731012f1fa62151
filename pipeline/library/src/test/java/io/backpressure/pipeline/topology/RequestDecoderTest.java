package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.serde.RegistryErrorException;
import io.backpressure.pipeline.serde.RegistryUnavailableException;
import io.backpressure.pipeline.serde.UnknownSchemaIdException;
import io.backpressure.pipeline.serde.WrongMagicByteException;
import io.backpressure.schemas.WorkRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bytes at fault are undecodable at once; a registry at fault is waited out (bounded), then fails the thread, never drops. */
class RequestDecoderTest {
    private static final byte[] VALUE = {0, 0, 0, 0, 1, 2};
    private static final RequestDecoder DECODER = new RequestDecoder(1024, Duration.ofMillis(300), new SplittableRandom(1));

    /** Decodes {@code value} with a deserializer that counts its calls in {@code attempts} and throws {@code failure}. */
    private static Executable decoding(byte[] value, AtomicInteger attempts, Supplier<RuntimeException> failure) {
        Deserializer<WorkRequest> deserializer = (topic, bytes) -> {
            attempts.incrementAndGet();
            throw failure.get();
        };
        return () -> DECODER.value(deserializer, "t", new RecordHeaders(), value);
    }

    @Test
    void bytesAtFaultAreUndecodableAtTheFirstAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        RequestDecoder.Undecodable e = assertThrows(RequestDecoder.Undecodable.class,
                decoding(VALUE, attempts, () -> new UnknownSchemaIdException(77, "http://registry")));
        assertEquals(1, attempts.get());
        assertTrue(e.getMessage().startsWith("UnknownSchemaIdException"), e.getMessage());
        assertThrows(RequestDecoder.Undecodable.class,
                decoding(VALUE, new AtomicInteger(), () -> new WrongMagicByteException((byte) 7)));
    }

    @Test
    void registryRefusingCredentialsIsWaitedOutThenFailsTheThreadWithoutADrop() {
        AtomicInteger attempts = new AtomicInteger();
        StreamsException e = assertThrows(StreamsException.class, decoding(VALUE, attempts,
                () -> RegistryErrorException.of("http://registry", "GET /schemas/ids/1", 401, 40101, "Unauthorized")));
        assertTrue(attempts.get() > 1, "asked the registry again before giving up: " + attempts.get());
        assertTrue(e.getMessage().startsWith("schema registry unavailable for 300 ms while decoding a record of t"), e.getMessage());
    }

    @Test
    void unreachableRegistryIsWaitedOutToo() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(StreamsException.class, decoding(VALUE, attempts,
                () -> new RegistryUnavailableException("http://registry", new IOException("connection refused"))));
        assertTrue(attempts.get() > 1);
    }

    @Test
    void oversizedAndEmptyValuesAreUndecodableBeforeAnyDecoding() {
        AtomicInteger attempts = new AtomicInteger();
        assertEquals("value of 1025 bytes exceeds 1024",
                assertThrows(RequestDecoder.Undecodable.class, decoding(new byte[1025], attempts, IllegalStateException::new)).getMessage());
        assertEquals("empty value", assertThrows(RequestDecoder.Undecodable.class, decoding(null, attempts, IllegalStateException::new))
                .getMessage());
        assertEquals(0, attempts.get());
    }

    /**
     * A user's deserializer (JSON, Confluent's Avro serde) throws its own exceptions: one with an I/O error behind it is a
     * registry out of reach, waited out; any other is the record's fault.
     */
    @Test
    void aUsersDeserializerFailingOnIoIsWaitedOutAndOtherwiseTheRecordIsUndecodable() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(StreamsException.class, decoding(VALUE, attempts,
                () -> new SerializationException("Error retrieving Avro schema", new IOException("connect timed out"))));
        assertTrue(attempts.get() > 1, "asked again: " + attempts.get());

        AtomicInteger once = new AtomicInteger();
        RequestDecoder.Undecodable e = assertThrows(RequestDecoder.Undecodable.class, decoding(VALUE, once,
                () -> new SerializationException("Unrecognized token 'garbage'")));
        assertEquals(1, once.get());
        assertEquals("SerializationException: Unrecognized token 'garbage'", e.getMessage());
    }
}
