package io.backpressure.pipeline.simulate.internal;

import io.backpressure.pipeline.backoff.Backoff;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * One run of the 2015 "Exponential Backoff And Jitter" contention model: {@code clients} clients each want one
 * optimistic-concurrency write to a single row. An attempt is a read of the row's version followed by a write
 * conditioned on it; every message (read request, read reply, write request, write reply) crosses the network with a
 * delay of |N(mean, sd)|. The row takes writes in arrival order and accepts one only if its version is still the one
 * the client read. After a rejected write the client sleeps {@code backoff.delay(attempt, previous)} on top of the
 * network delay of its next read. Calls are the writes the row saw; the completion time is when the last client
 * learns that its write succeeded.
 */
public final class ContentionRun {
    private final EventLoop loop = new EventLoop();
    private final Backoff backoff;
    private final RandomGenerator random;
    private final double networkMeanNanos;
    private final double networkSdNanos;
    private long version;
    private long writes;
    private long lastSuccessNanos;

    private ContentionRun(Backoff backoff, Duration networkMean, Duration networkSd, RandomGenerator random) {
        this.backoff = backoff;
        this.random = random;
        this.networkMeanNanos = networkMean.toNanos();
        this.networkSdNanos = networkSd.toNanos();
    }

    public static Result run(int clients, Backoff backoff, Duration networkMean, Duration networkSd, RandomGenerator random) {
        ContentionRun run = new ContentionRun(backoff, networkMean, networkSd, random);
        for (int i = 0; i < clients; i++) {
            run.new Client().start();
        }
        run.loop.run();
        return new Result(run.writes, run.lastSuccessNanos);
    }

    /**
     * @param writes          the conditional writes the row received, one per attempt
     * @param completionNanos when the last client learned that its write succeeded
     */
    public record Result(long writes, long completionNanos) {
    }

    private long networkDelay() {
        return (long) Math.abs(random.nextGaussian(networkMeanNanos, networkSdNanos));
    }

    private final class Client {
        private int failures;
        private Duration previousSleep = Duration.ZERO;

        void start() {
            loop.after(networkDelay(), this::readArrives);
        }

        private void readArrives() {
            long seen = version;
            loop.after(networkDelay(), () -> loop.after(networkDelay(), () -> writeArrives(seen)));
        }

        private void writeArrives(long readVersion) {
            writes++;
            boolean accepted = readVersion == version;
            if (accepted) {
                version++;
            }
            loop.after(networkDelay(), () -> writeAnswered(accepted));
        }

        private void writeAnswered(boolean accepted) {
            if (accepted) {
                lastSuccessNanos = Math.max(lastSuccessNanos, loop.nanos());
                return;
            }
            failures++;
            previousSleep = backoff.delay(failures, previousSleep, random);
            loop.after(networkDelay() + previousSleep.toNanos(), this::readArrives);
        }
    }
}
