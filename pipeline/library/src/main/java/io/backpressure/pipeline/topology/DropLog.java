package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.metrics.RecentDrops;
import io.backpressure.pipeline.outcome.DropReason;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs drops at most once per reason per interval, with the count of drops since the last line, and keeps every drop's
 * error among the instance's {@link RecentDrops}.
 */
final class DropLog {
    private static final Logger LOG = LoggerFactory.getLogger(DropLog.class);
    private static final long INTERVAL_MS = 10_000;

    private final Clock clock;
    private final RecentDrops recent;
    private final Map<DropReason, long[]> state = new EnumMap<>(DropReason.class);

    DropLog(Clock clock, RecentDrops recent) {
        this.clock = clock;
        this.recent = recent;
    }

    synchronized void dropped(DropReason reason, String requestId, String error) {
        long now = clock.millis();
        recent.dropped(reason, error, now);
        long[] s = state.computeIfAbsent(reason, r -> new long[] {Long.MIN_VALUE, 0});
        s[1]++;
        if (now - s[0] >= INTERVAL_MS) {
            LOG.warn("dropped {} request(s) with reason {} in the last {} s; latest: id={} error={}",
                    s[1], reason, s[0] == Long.MIN_VALUE ? 0 : (now - s[0]) / 1000, requestId, error);
            s[0] = now;
            s[1] = 0;
        }
    }
}
