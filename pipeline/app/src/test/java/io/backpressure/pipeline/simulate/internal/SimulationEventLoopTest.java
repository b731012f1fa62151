package io.backpressure.pipeline.simulate.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationEventLoopTest {

    @Test
    void runsEventsInTimeOrderAndTiesInSchedulingOrder() {
        EventLoop loop = new EventLoop();
        List<String> ran = new ArrayList<>();
        loop.at(30, () -> ran.add("c@" + loop.nanos()));
        loop.at(10, () -> ran.add("a@" + loop.nanos()));
        loop.at(30, () -> ran.add("d@" + loop.nanos()));
        loop.at(20, () -> loop.after(10, () -> ran.add("e@" + loop.nanos())));
        loop.run();
        assertEquals(List.of("a@10", "c@30", "d@30", "e@30"), ran);
    }

    @Test
    void runUntilLeavesLaterEventsUnrun() {
        EventLoop loop = new EventLoop();
        List<Long> ran = new ArrayList<>();
        loop.at(5, () -> ran.add(loop.nanos()));
        loop.at(100, () -> ran.add(loop.nanos()));
        loop.runUntil(100);
        assertEquals(List.of(5L), ran);
    }

    @Test
    void aTimeInThePastMeansNow() {
        EventLoop loop = new EventLoop();
        List<Long> ran = new ArrayList<>();
        loop.at(50, () -> loop.at(10, () -> ran.add(loop.nanos())));
        loop.run();
        assertEquals(List.of(50L), ran);
    }

    @Test
    void instantsAndNanosConvertBothWays() {
        EventLoop loop = new EventLoop();
        loop.at(1_500_000_123L, () -> assertEquals(Instant.EPOCH.plusNanos(1_500_000_123L), loop.instant()));
        loop.run();
        assertEquals(1_500_000_123L, EventLoop.nanosOf(loop.instant()));
    }
}
