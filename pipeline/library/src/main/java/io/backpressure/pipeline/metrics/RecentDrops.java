package io.backpressure.pipeline.metrics;

import io.backpressure.pipeline.outcome.DropReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The errors behind the latest drops, for the status page: a fixed ring of the last {@link #CAPACITY} drops, so memory
 * is bounded however many there are; {@link #topErrors} counts those within a recent window.
 */
public final class RecentDrops {
    static final int CAPACITY = 1024;

    private final long[] atMillis = new long[CAPACITY];
    private final DropReason[] reasons = new DropReason[CAPACITY];
    private final String[] errors = new String[CAPACITY];
    private long written;

    /** One error behind a reason, and how often it appeared. */
    public record ErrorCount(String error, long count) {
    }

    public synchronized void dropped(DropReason reason, String error, long nowMillis) {
        int slot = (int) (written++ % CAPACITY);
        atMillis[slot] = nowMillis;
        reasons[slot] = reason;
        errors[slot] = error == null ? "(no error)" : error;
    }

    /**
     * Per reason with drops since {@code sinceMillis} (among the last {@link #CAPACITY}), the {@code top} most frequent
     * errors, most frequent first.
     */
    public synchronized Map<DropReason, List<ErrorCount>> topErrors(long sinceMillis, int top) {
        Map<DropReason, Map<String, Long>> counts = new EnumMap<>(DropReason.class);
        long held = Math.min(written, CAPACITY);
        for (int i = 0; i < held; i++) {
            if (atMillis[i] >= sinceMillis) {
                counts.computeIfAbsent(reasons[i], r -> new HashMap<>()).merge(errors[i], 1L, Long::sum);
            }
        }
        Map<DropReason, List<ErrorCount>> result = new EnumMap<>(DropReason.class);
        counts.forEach((reason, byError) -> {
            List<ErrorCount> sorted = new ArrayList<>();
            byError.forEach((error, count) -> sorted.add(new ErrorCount(error, count)));
            sorted.sort(Comparator.comparingLong(ErrorCount::count).reversed().thenComparing(ErrorCount::error));
            result.put(reason, List.copyOf(sorted.subList(0, Math.min(top, sorted.size()))));
        });
        return result;
    }
}
