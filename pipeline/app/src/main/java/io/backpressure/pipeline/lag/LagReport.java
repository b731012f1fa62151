package io.backpressure.pipeline.lag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rolling samples per partition over an evaluation window, and the statuses they give. The overall status is the
 * worst partition's, STALLED being worst.
 */
public final class LagReport {
    private final int windowSamples;
    private final Map<String, Deque<PartitionLag>> samples = new LinkedHashMap<>();
    /** Per partition: when its committed offset last moved (or was first seen), epoch millis. */
    private final Map<String, Long> committedSince = new LinkedHashMap<>();

    public LagReport(int windowSamples) {
        if (windowSamples < 1) {
            throw new IllegalArgumentException("window samples must be >= 1, was " + windowSamples);
        }
        this.windowSamples = windowSamples;
    }

    public void add(List<PartitionLag> sample) {
        add(sample, System.currentTimeMillis());
    }

    /** @param atMillis when the sample was taken */
    public void add(List<PartitionLag> sample, long atMillis) {
        for (PartitionLag row : sample) {
            String key = row.topic() + "-" + row.partition();
            Deque<PartitionLag> history = samples.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (history.isEmpty() || history.getLast().committed() != row.committed()) {
                committedSince.put(key, atMillis);
            }
            history.addLast(row);
            while (history.size() > windowSamples) {
                history.removeFirst();
            }
        }
    }

    /** The latest sample of every partition with its status. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        samples.forEach((key, history) -> {
            LagStatus status = LagEvaluator.evaluate(List.copyOf(history));
            rows.add(new Row(history.getLast(), status, status == LagStatus.STALLED ? committedSince.get(key) : null));
        });
        return rows;
    }

    public LagStatus overall() {
        LagStatus worst = LagStatus.IDLE;
        for (Row row : rows()) {
            worst = rank(row.status()) > rank(worst) ? row.status() : worst;
        }
        return worst;
    }

    private static int rank(LagStatus status) {
        return switch (status) {
            case IDLE -> 0;
            case OK -> 1;
            case LAGGING -> 2;
            case STALLED -> 3;
        };
    }

    /**
     * One partition's latest lag and its status.
     *
     * @param stalledSinceMillis when STALLED: since when its committed offset has not moved (epoch millis); else null
     */
    public record Row(PartitionLag lag, LagStatus status, Long stalledSinceMillis) {
    }
}
