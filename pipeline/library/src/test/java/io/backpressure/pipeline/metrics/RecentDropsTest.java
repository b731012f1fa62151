package io.backpressure.pipeline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.outcome.DropReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentDropsTest {

    @Test
    void theMostFrequentErrorsOfTheWindowComeFirstPerReason() {
        RecentDrops drops = new RecentDrops();
        drops.dropped(DropReason.RETRIES_EXHAUSTED, "HTTP 500", 1_000);
        for (int i = 0; i < 3; i++) {
            drops.dropped(DropReason.RETRIES_EXHAUSTED, "HTTP 503", 10_000 + i);
        }
        drops.dropped(DropReason.RETRIES_EXHAUSTED, "TimeoutException", 10_100);
        drops.dropped(DropReason.NON_RETRYABLE, null, 10_200);

        Map<DropReason, List<RecentDrops.ErrorCount>> top = drops.topErrors(5_000, 1);
        assertEquals(List.of(new RecentDrops.ErrorCount("HTTP 503", 3)), top.get(DropReason.RETRIES_EXHAUSTED));
        assertEquals(List.of(new RecentDrops.ErrorCount("(no error)", 1)), top.get(DropReason.NON_RETRYABLE));
        assertEquals(List.of(new RecentDrops.ErrorCount("HTTP 503", 3), new RecentDrops.ErrorCount("HTTP 500", 1),
                new RecentDrops.ErrorCount("TimeoutException", 1)), drops.topErrors(0, 5).get(DropReason.RETRIES_EXHAUSTED));
    }

    @Test
    void onlyTheLastDropsAreKeptHoweverManyThereAre() {
        RecentDrops drops = new RecentDrops();
        for (int i = 0; i < 10 * RecentDrops.CAPACITY; i++) {
            drops.dropped(DropReason.DEADLINE_EXCEEDED, i < 9 * RecentDrops.CAPACITY ? "old" : "new", i);
        }
        assertEquals(List.of(new RecentDrops.ErrorCount("new", RecentDrops.CAPACITY)),
                drops.topErrors(0, 5).get(DropReason.DEADLINE_EXCEEDED));
    }
}
