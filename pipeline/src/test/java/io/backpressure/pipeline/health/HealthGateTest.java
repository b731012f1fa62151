package io.backpressure.pipeline.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.testing.Await;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthGateTest {
    private final AtomicInteger pauses = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();
    private final HealthGate.Pausable target = new HealthGate.Pausable() {
        @Override
        public void pause() {
            pauses.incrementAndGet();
        }

        @Override
        public void resume() {
            resumes.incrementAndGet();
        }
    };

    @Test
    void pausesOnceAfterARunOfFailuresAndResumesWhenAProbeSucceeds() {
        AtomicBoolean downstreamUp = new AtomicBoolean(false);
        AtomicInteger probeCalls = new AtomicInteger();
        try (HealthGate gate = new HealthGate(3, Duration.ofMillis(20), Duration.ofMillis(80), (request, attempt) -> {
            probeCalls.incrementAndGet();
            return CompletableFuture.completedFuture(downstreamUp.get() ? Outcome.success(new byte[0])
                    : new Outcome.RetryableFailure("down"));
        }, target, Clock.systemUTC(), 1)) {
            Outcome failure = new Outcome.RetryableFailure("503");
            gate.record(failure);
            gate.record(failure);
            assertFalse(gate.paused());
            gate.record(failure);
            assertTrue(gate.paused());
            for (int i = 0; i < 10; i++) {
                gate.record(failure);
            }
            assertEquals(1, pauses.get(), "pausing is idempotent");
            Await.until("a few failed probes", Duration.ofSeconds(5), () -> probeCalls.get() >= 2);
            assertTrue(gate.paused(), "failed probes keep it paused");
            downstreamUp.set(true);
            Await.until("resume after a successful probe", Duration.ofSeconds(5), () -> !gate.paused());
            assertEquals(1, resumes.get());
        }
    }

    @Test
    void aSuccessBreaksTheRunSoScatteredFailuresNeverPause() {
        try (HealthGate gate = new HealthGate(3, Duration.ofMillis(20), Duration.ofMillis(80),
                (request, attempt) -> CompletableFuture.completedFuture(Outcome.success(new byte[0])), target, Clock.systemUTC(), 1)) {
            for (int i = 0; i < 100; i++) {
                gate.record(new Outcome.RetryableFailure("x"));
                gate.record(new Outcome.RetryableFailure("x"));
                gate.record(Outcome.success(new byte[0]));
            }
            gate.record(new Outcome.NonRetryableFailure("400"));
            assertFalse(gate.paused());
            assertEquals(0, pauses.get());
        }
    }
}
