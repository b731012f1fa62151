package io.backpressure.pipeline.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LagEvaluatorTest {

    private static PartitionLag at(long committed, long end) {
        return new PartitionLag("t", 0, committed, end, 0, false);
    }

    @Test
    void caughtUpWithTrafficIsOk() {
        assertEquals(LagStatus.OK, LagEvaluator.evaluate(List.of(at(10, 10), at(20, 20), at(30, 30))));
    }

    @Test
    void noNewRecordsAndNothingLeftIsIdle() {
        assertEquals(LagStatus.IDLE, LagEvaluator.evaluate(List.of(at(30, 30), at(30, 30), at(30, 30))));
    }

    @Test
    void positiveLagWithoutCommitsIsStalled() {
        assertEquals(LagStatus.STALLED, LagEvaluator.evaluate(List.of(at(10, 50), at(10, 60), at(10, 60))));
    }

    @Test
    void growingLagWhileCommittingIsLagging() {
        assertEquals(LagStatus.LAGGING, LagEvaluator.evaluate(List.of(at(10, 20), at(15, 40), at(20, 80))));
    }

    @Test
    void shrinkingLagIsOk() {
        assertEquals(LagStatus.OK, LagEvaluator.evaluate(List.of(at(10, 80), at(40, 90), at(70, 95))));
    }

    @Test
    void onlyATransactionMarkerLeftIsCaughtUpNotLagOne() {
        PartitionLag marker = new PartitionLag("t", 0, 99, 100, 0, true);
        assertEquals(0, marker.lag());
        assertEquals(1, marker.offsetLag());
        assertEquals(LagStatus.IDLE, LagEvaluator.evaluate(List.of(marker, marker, marker)));
    }

    @Test
    void reportTakesTheWorstPartition() {
        LagReport report = new LagReport(2);
        report.add(List.of(at(10, 10), new PartitionLag("t", 1, 5, 50, 0, false)));
        report.add(List.of(at(20, 20), new PartitionLag("t", 1, 5, 50, 0, false)));
        assertEquals(LagStatus.STALLED, report.overall());
    }
}
