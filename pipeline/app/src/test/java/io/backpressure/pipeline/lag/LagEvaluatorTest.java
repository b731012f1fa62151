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

    @Test
    void aStalledPartitionSaysSinceWhenItsCommittedOffsetHasNotMoved() {
        LagReport report = new LagReport(3);
        report.add(List.of(new PartitionLag("t", 0, 5, 50, 0, false)), 1_000);
        report.add(List.of(new PartitionLag("t", 0, 7, 60, 0, false)), 2_000);
        report.add(List.of(new PartitionLag("t", 0, 7, 70, 0, false)), 3_000);
        report.add(List.of(new PartitionLag("t", 0, 7, 80, 0, false)), 4_000);
        report.add(List.of(new PartitionLag("t", 0, 7, 80, 0, false)), 5_000);
        LagReport.Row row = report.rows().get(0);
        assertEquals(LagStatus.STALLED, row.status());
        assertEquals(2_000L, row.stalledSinceMillis(), "the sample in which offset 7 was first committed");
        report.add(List.of(new PartitionLag("t", 0, 9, 80, 0, false)), 6_000);
        assertEquals(null, report.rows().get(0).stalledSinceMillis(), "moving again");
    }
}
