package io.backpressure.pipeline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.config.LifecycleSettings;
import io.backpressure.pipeline.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Duration> waits = new ArrayList<>();
    private final AtomicInteger replacements = new AtomicInteger();

    private StreamThreadFailures failures(int maxReplacements) {
        return new StreamThreadFailures(new LifecycleSettings(maxReplacements, Duration.ofMinutes(5), Duration.ofSeconds(25), ""), clock,
                new SplittableRandom(7), waits::add, replacements::incrementAndGet);
    }

    private static StreamsException registryDown() {
        return new StreamsException("schema registry unavailable for 8500 ms while decoding a record of t");
    }

    @Test
    void transientFailuresReplaceTheThreadAfterJitteredDoublingWaits() {
        StreamThreadFailures handler = failures(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, handler.handle(registryDown()));
        }
        assertEquals(3, replacements.get());
        // Equal jitter over 1 s doubling: the n-th wait is in [2^n / 2, 2^n] seconds.
        for (int n = 1; n <= 3; n++) {
            long ms = waits.get(n - 1).toMillis();
            assertTrue(ms >= (1000L << n) / 2 && ms <= 1000L << n, "wait " + n + " was " + ms + " ms");
        }
        assertNull(handler.stopCause());
    }

    @Test
    void oneFailureMoreThanToleratedWithinTheWindowStopsTheInstanceNamingTheCause() {
        StreamThreadFailures handler = failures(2);
        handler.handle(registryDown());
        handler.handle(registryDown());
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, handler.handle(registryDown()));
        assertEquals(2, replacements.get());
        assertTrue(handler.stopCause().startsWith("3 stream-thread failures within 300 s (pipeline.stream-thread.max-replacements=2), last: "
                + "StreamsException: schema registry unavailable"), handler.stopCause());
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        StreamThreadFailures handler = failures(2);
        handler.handle(registryDown());
        handler.handle(registryDown());
        clock.advance(Duration.ofMinutes(5).plusMillis(1));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, handler.handle(registryDown()));
    }

    @Test
    void aJvmErrorStopsTheInstanceAtOnce() {
        StreamThreadFailures handler = failures(10);
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                handler.handle(new StreamsException("Exception caught in process", new OutOfMemoryError("Java heap space"))));
        assertEquals(0, replacements.get());
        assertTrue(handler.stopCause().contains("OutOfMemoryError: Java heap space"), handler.stopCause());
    }
}
