package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.RetryState;
import io.backpressure.pipeline.window.Window;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LauncherTest {

    /**
     * A stream thread still admitting records after the pipeline closed (its own close timed out, or an embedding
     * application closed the pipeline before Kafka Streams) used to wait out the whole admission bound and then blame
     * the handler's completions.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void offeringToAClosedLauncherWithItsQueueFullFailsAtOnceSayingWhy() throws InterruptedException {
        Window window = new Window(1);
        CallTimeouts timeouts = new CallTimeouts();
        Launcher launcher = new Launcher(1, window, timeouts);
        FinishedCalls finished = new FinishedCalls();
        Dispatcher dispatcher = new Dispatcher(TestBindings.of(request -> new CompletableFuture<Outcome<byte[]>>()), window,
                Duration.ofHours(1), timeouts, finished, new PipelineStats(new SimpleMeterRegistry()), outcome -> { }, () -> false,
                launcher, Clock.systemUTC());
        Launcher.Lane lane = new Launcher.Lane(dispatcher, finished, () -> true);
        long anHour = Duration.ofHours(1).toNanos();
        try {
            assertTrue(window.tryAcquire());
            assertNull(dispatcher.dispatch(call("in flight, never answered")));
            assertTrue(launcher.offer(lane, call("first in line"), anHour, () -> { }));
            assertTrue(launcher.offer(lane, call("queued"), anHour, () -> { }), "the queue's one place");
        } finally {
            launcher.close();
        }

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> launcher.offer(lane, call("after the close"), anHour, () -> { }));
        assertTrue(e.getMessage().contains("close Kafka Streams first, then the pipeline"), e.getMessage());
    }

    private static Call call(String id) {
        return new Call(TestBindings.request(id), new Record<>(null, new byte[0], 0L), null, RetryState.first(0), null, null);
    }
}
