package io.backpressure.pipeline.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status page's charts over the last 15 minutes, kept by the app: a fixed ring of one sample a second, so a page
 * opened in the middle of an incident draws the minutes before it at once instead of starting empty. A sample holds
 * only what the charts plot (a few numbers), never the partition table.
 */
final class StatusHistory {
    static final int SAMPLES = 900;
    static final long INTERVAL_MILLIS = 1_000;
    /** The fields of {@code /api/status} the charts plot. */
    private static final List<String> CHARTED = List.of("timeMillis", "totalLag", "maxTimeLagSeconds", "results", "handlerCalls",
            "inFlight", "limit", "capacity", "retriesScheduled", "drops");

    private final Map<String, Object>[] ring;
    private int next;
    private int size;

    @SuppressWarnings("unchecked")
    StatusHistory() {
        this.ring = new Map[SAMPLES];
    }

    /** Keeps the charted fields of one {@code /api/status} document. */
    void record(Map<String, Object> status) {
        Map<String, Object> charted = new LinkedHashMap<>();
        for (String field : CHARTED) {
            charted.put(field, status.get(field));
        }
        add(charted);
    }

    synchronized void add(Map<String, Object> sample) {
        ring[next] = sample;
        next = (next + 1) % SAMPLES;
        size = Math.min(size + 1, SAMPLES);
    }

    /** The samples, oldest first. */
    synchronized List<Map<String, Object>> samples() {
        List<Map<String, Object>> ordered = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ordered.add(ring[(next - size + i + SAMPLES) % SAMPLES]);
        }
        return ordered;
    }

}
