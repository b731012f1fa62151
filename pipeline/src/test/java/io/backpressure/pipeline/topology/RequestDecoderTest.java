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
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Bytes at fault are undecodable at once; a registry at fault is waited out (bounded), then fails the thread, never drops. */
class RequestDecoderTest {
    private static final Record<byte[], byte[]> RECORD = new Record<>(null, new byte[] {0, 0, 0, 0, 1, 2}, 0L);

    private static RequestDecoder throwing(AtomicInteger attempts, Supplier<RuntimeException> failure) {
        Deserializer<WorkRequest> deserializer = (topic, bytes) -> {
            attempts.incrementAndGet();
            throw failure.get();
        };
        return new RequestDecoder(deserializer, 1024, Duration.ofMillis(300), new SplittableRandom(1));
    }

    @Test
    void bytesAtFaultAreUndecodableAtTheFirstAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        RequestDecoder.Undecodable e = assertThrows(RequestDecoder.Undecodable.class,
                () -> throwing(attempts, () -> new UnknownSchemaIdException(77, "http://registry")).decode(RECORD, "t"));
        assertEquals(1, attempts.get());
        assertTrue(e.getMessage().startsWith("UnknownSchemaIdException"), e.getMessage());
        assertThrows(RequestDecoder.Undecodable.class,
                () -> throwing(new AtomicInteger(), () -> new WrongMagicByteException((byte) 7)).decode(RECORD, "t"));
    }

    @Test
    void registryRefusingCredentialsIsWaitedOutThenFailsTheThreadWithoutADrop() {
        AtomicInteger attempts = new AtomicInteger();
        RequestDecoder decoder = throwing(attempts, () -> RegistryErrorException.of("http://registry", "GET /schemas/ids/1", 401, 40101,
                "Unauthorized"));
        StreamsException e = assertThrows(StreamsException.class, () -> decoder.decode(RECORD, "t"));
        assertTrue(attempts.get() > 1, "asked the registry again before giving up: " + attempts.get());
        assertTrue(e.getMessage().startsWith("schema registry unavailable for 300 ms while decoding a record of t"), e.getMessage());
    }

    @Test
    void unreachableRegistryIsWaitedOutToo() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(StreamsException.class, () -> throwing(attempts,
                () -> new RegistryUnavailableException("http://registry", new IOException("connection refused"))).decode(RECORD, "t"));
        assertTrue(attempts.get() > 1);
    }

    @Test
    void oversizedAndEmptyValuesAreUndecodableBeforeAnyDecoding() {
        AtomicInteger attempts = new AtomicInteger();
        RequestDecoder decoder = throwing(attempts, IllegalStateException::new);
        assertEquals("value of 1025 bytes exceeds 1024",
                assertThrows(RequestDecoder.Undecodable.class, () -> decoder.decode(new Record<>(null, new byte[1025], 0L), "t")).getMessage());
        assertEquals("empty value",
                assertThrows(RequestDecoder.Undecodable.class, () -> decoder.decode(new Record<>(null, null, 0L), "t")).getMessage());
        assertEquals(0, attempts.get());
    }
}
