package io.backpressure.pipeline.simulate.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationDownstreamTest {

    @Test
    void servesInArrivalOrderWithAsManyCallsAtOnceAsWorkers() {
        EventLoop loop = new EventLoop();
        Downstream downstream = new Downstream(loop, 10, () -> 2);
        List<String> done = new ArrayList<>();
        for (String call : List.of("a", "b", "c", "d", "e")) {
            loop.at(0, () -> downstream.submit(() -> done.add(call + "@" + loop.nanos())));
        }
        loop.run();
        assertEquals(List.of("a@10", "b@10", "c@20", "d@20", "e@30"), done);
    }

    @Test
    void returningWorkersStartOnTheQueueAtOnce() {
        EventLoop loop = new EventLoop();
        int[] workers = {1};
        Downstream downstream = new Downstream(loop, 10, () -> workers[0]);
        List<String> done = new ArrayList<>();
        for (String call : List.of("a", "b", "c")) {
            loop.at(0, () -> downstream.submit(() -> done.add(call + "@" + loop.nanos())));
        }
        loop.at(5, () -> {
            workers[0] = 3;
            downstream.capacityChanged();
        });
        loop.run();
        assertEquals(List.of("a@10", "b@15", "c@15"), done);
    }
}
