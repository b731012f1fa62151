package io.backpressure.pipeline.produce;

import io.backpressure.pipeline.config.Check;
import java.time.Duration;

/**
 * What to produce.
 *
 * @param count        number of requests
 * @param ratePerSecond target rate; 0 for as fast as the producer can go
 * @param keys         number of distinct keys, spread round-robin
 * @param payloadBytes size of each request's payload
 * @param deadline     each request's deadline relative to its creation; null for none
 * @param idPrefix     request ids are {@code <idPrefix>-<n>}, so a run's requests can be found again
 */
public record ProduceSpec(long count, double ratePerSecond, int keys, int payloadBytes, Duration deadline, String idPrefix) {

    public ProduceSpec {
        Check.atLeast("--count", count, 1);
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must be >= 0 (0 = unthrottled), was " + ratePerSecond);
        }
        Check.atLeast("--keys", keys, 1);
        Check.atLeast("--payload-bytes", payloadBytes, 0);
        if (deadline != null) {
            Check.positive("--deadline", deadline);
        }
        Check.notBlank("--id-prefix", idPrefix);
    }

    public String requestId(long n) {
        return idPrefix + "-" + n;
    }
}
