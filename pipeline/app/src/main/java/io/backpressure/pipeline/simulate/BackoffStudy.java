package io.backpressure.pipeline.simulate;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.simulate.internal.ContentionRun;
import io.backpressure.pipeline.simulate.internal.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Re-runs the AWS Architecture Blog's 2015 "Exponential Backoff And Jitter" study with the pipeline's own
 * {@link Backoff} strategies: for each strategy and client count, {@code runs} independent contention runs, averaged.
 * Each run draws from its own generator seeded from the study seed and the run's coordinates, so a point's numbers
 * are the same whichever other points are simulated alongside it.
 */
public final class BackoffStudy {
    private BackoffStudy() {
    }

    public static BackoffStudyResult run(BackoffStudyConfig config) {
        List<BackoffStudyResult.Point> points = new ArrayList<>();
        for (String strategy : config.strategies()) {
            Backoff backoff = config.backoff(strategy);
            for (int clients : config.clients()) {
                points.add(point(config, strategy, backoff, clients));
            }
        }
        return new BackoffStudyResult(config, points);
    }

    private static BackoffStudyResult.Point point(BackoffStudyConfig config, String strategy, Backoff backoff, int clients) {
        long writes = 0;
        double completionNanos = 0;
        for (int run = 0; run < config.runs(); run++) {
            SplittableRandom random = new SplittableRandom(Seeds.derive(config.seed(), strategy.hashCode(), clients, run));
            ContentionRun.Result result = ContentionRun.run(clients, backoff, config.networkMean(), config.networkSd(), random);
            writes += result.writes();
            completionNanos += result.completionNanos();
        }
        return new BackoffStudyResult.Point(strategy, clients, (double) writes / config.runs(),
                Duration.ofNanos(Math.round(completionNanos / config.runs())));
    }
}
