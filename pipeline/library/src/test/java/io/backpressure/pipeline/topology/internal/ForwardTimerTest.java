package io.backpressure.pipeline.topology.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.junit.jupiter.api.Test;

class ForwardTimerTest {
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

    @Test
    void ticksFallOnTheSharedGridWhateverTheStartTime() {
        assertEquals(10, ForwardTimer.delayToGrid(1_000, 10), "on a grid point: the next one, never at once");
        assertEquals(7, ForwardTimer.delayToGrid(1_003, 10));
        assertEquals(91, ForwardTimer.delayToGrid(1_009, 100));
    }

    @Test
    void ticksFiveTimesLessOftenWhenIdleAndHurriesWhenACallStarts() {
        AtomicBoolean inFlight = new AtomicBoolean();
        AtomicInteger ticks = new AtomicInteger();
        ForwardTimer[] timer = new ForwardTimer[1];
        context.setCurrentSystemTimeMs(1_003);
        timer[0] = ForwardTimer.start(context, Duration.ofMillis(10), () -> {
            ticks.incrementAndGet();
            if (!inFlight.get()) {
                timer[0].idle();
            }
        });
        assertEquals(List.of(Duration.ofMillis(7)), intervals());

        fire(1_010);
        assertEquals(1, ticks.get());
        assertEquals(List.of(Duration.ofMillis(40)), intervals());

        context.setCurrentSystemTimeMs(1_012);
        inFlight.set(true);
        timer[0].hurry();
        assertEquals(List.of(Duration.ofMillis(8)), intervals());

        fire(1_020);
        assertEquals(2, ticks.get());
        assertEquals(List.of(Duration.ofMillis(10)), intervals());
        timer[0].hurry();
        assertEquals(List.of(Duration.ofMillis(10)), intervals(), "already ticking at the interval: nothing to reschedule");
    }

    private List<Duration> intervals() {
        return live().stream().map(CapturedPunctuator::getInterval).toList();
    }

    private List<CapturedPunctuator> live() {
        return context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).toList();
    }

    private void fire(long nowMillis) {
        context.setCurrentSystemTimeMs(nowMillis);
        live().get(0).getPunctuator().punctuate(nowMillis);
    }
}
