package io.backpressure.pipeline.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status history is a bounded ring: the newest 15 minutes, oldest first, only the charted fields. */
class StatusHistoryTest {

    @Test
    void keepsTheNewestSamplesOldestFirstAndNothingButTheChartedFields() {
        StatusHistory history = new StatusHistory();
        for (long t = 0; t < StatusHistory.SAMPLES + 100; t++) {
            history.record(Map.of("timeMillis", t, "totalLag", t * 2, "partitions", List.of("a long table")));
        }
        List<Map<String, Object>> samples = history.samples();
        assertEquals(StatusHistory.SAMPLES, samples.size());
        assertEquals(100L, samples.get(0).get("timeMillis"), "the oldest 100 were overwritten");
        assertEquals((long) StatusHistory.SAMPLES + 99, samples.get(samples.size() - 1).get("timeMillis"));
        assertEquals(200L, samples.get(0).get("totalLag"));
        assertFalse(samples.get(0).containsKey("partitions"), "the partition table is not kept");
    }

    @Test
    void beforeItIsFullItHoldsWhatWasRecorded() {
        StatusHistory history = new StatusHistory();
        history.record(Map.of("timeMillis", 1L));
        history.record(Map.of("timeMillis", 2L));
        assertEquals(List.of(1L, 2L), history.samples().stream().map(s -> s.get("timeMillis")).toList());
    }
}
