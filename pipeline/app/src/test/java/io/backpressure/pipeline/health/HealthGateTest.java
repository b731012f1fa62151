package io.backpressure.pipeline.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.testing.Await;
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
        try (HealthGate gate = new HealthGate(3, Duration.ofMillis(20), Duration.ofMillis(80), () -> {
            probeCalls.incrementAndGet();
            return CompletableFuture.completedFuture(downstreamUp.get() ? Outcome.success(new byte[0])
                    : new Outcome.RetryableFailure<>("down"));
        }, target, 1)) {
            Outcome failure = new Outcome.RetryableFailure<>("503");
            gate.record(failure);
            gate.record(failure);
            assertFalse(gate.paused());
            gate.record(failure);
            assertTrue(gate.paused());
            for (int i = 0; i < 10; i++) {
                gate.record(failure);
            }
            assertEquals(1, pauses.get(), "pausing is idempotent");
            Await.until("a few failed probes", Duration.ofSeconds(5), () -> gate.pauseInfo().failedProbes() >= 2);
            assertTrue(gate.paused(), "failed probes keep it paused");
            HealthGate.PauseInfo why = gate.pauseInfo();
            assertEquals(3, why.failuresInARow(), "the run that paused it");
            assertEquals("503", why.lastError());
            assertEquals("down", why.lastProbeError());
            assertTrue(why.nextProbeAtMillis() >= why.pausedAtMillis(), "a next probe is scheduled: " + why);
            downstreamUp.set(true);
            Await.until("resume after a successful probe", Duration.ofSeconds(5), () -> !gate.paused());
            assertEquals(1, resumes.get());
            assertEquals(null, gate.pauseInfo(), "no reason shown once it runs again");
        }
    }

    @Test
    void aSuccessBreaksTheRunSoScatteredFailuresNeverPause() {
        try (HealthGate gate = new HealthGate(3, Duration.ofMillis(20), Duration.ofMillis(80),
                () -> CompletableFuture.completedFuture(Outcome.success(new byte[0])), target, 1)) {
            for (int i = 0; i < 100; i++) {
                gate.record(new Outcome.RetryableFailure<>("x"));
                gate.record(new Outcome.RetryableFailure<>("x"));
                gate.record(Outcome.success(new byte[0]));
            }
            gate.record(new Outcome.NonRetryableFailure<>("400"));
            assertFalse(gate.paused());
            assertEquals(0, pauses.get());
        }
    }

    @Test
    void aProbeAnsweredWithANonRetryableFailureCountsAsHealthy() {
        try (HealthGate gate = new HealthGate(1, Duration.ofMillis(20), Duration.ofMillis(80),
                () -> CompletableFuture.completedFuture(new Outcome.NonRetryableFailure<>("HTTP 400: empty payload")), target, 1)) {
            gate.record(new Outcome.RetryableFailure<>("503"));
            assertTrue(gate.paused());
            Await.until("resume: a 400 says the downstream is up", Duration.ofSeconds(5), () -> !gate.paused());
        }
    }

    @Test
    void aUrlProbeIsHealthyUnlessTheAnswerIsRetryable() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(503);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        try {
            Probe probe = Probe.url("http://127.0.0.1:" + server.getAddress().getPort() + "/health", Duration.ofSeconds(5));
            for (int code : new int[] {503, 429, 408, 500}) {
                status.set(code);
                assertFalse(healthy(probe), "HTTP " + code);
            }
            for (int code : new int[] {200, 204, 301, 404}) {
                status.set(code);
                assertTrue(healthy(probe), "HTTP " + code);
            }
        } finally {
            server.stop(0);
        }
        assertFalse(healthy(Probe.url("http://127.0.0.1:" + io.backpressure.pipeline.broker.Ports.ephemeral() + "/health",
                Duration.ofSeconds(2))), "connection refused");
    }

    private static boolean healthy(Probe probe) throws Exception {
        CompletableFuture<Outcome<byte[]>> answer = probe.probe().toCompletableFuture();
        try {
            return Probe.healthy(answer.get(10, java.util.concurrent.TimeUnit.SECONDS), null);
        } catch (java.util.concurrent.ExecutionException failed) {
            return Probe.healthy(null, failed.getCause());
        }
    }
}
