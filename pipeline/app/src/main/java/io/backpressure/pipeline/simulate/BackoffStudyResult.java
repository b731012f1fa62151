package io.backpressure.pipeline.simulate;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;

/** The means the contention study found, one point per strategy and client count. */
public record BackoffStudyResult(BackoffStudyConfig config, List<Point> points) {

    public BackoffStudyResult {
        points = List.copyOf(points);
    }

    /**
     * @param meanCalls      conditional writes the row received per run (every attempt writes once)
     * @param meanCompletion time until the last client's write succeeded, averaged over runs
     */
    public record Point(String strategy, int clients, double meanCalls, Duration meanCompletion) {
    }

    public Point point(String strategy, int clients) {
        return points.stream()
                .filter(p -> p.strategy().equals(strategy) && p.clients() == clients)
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no point for " + strategy + " at " + clients + " clients"));
    }
}
