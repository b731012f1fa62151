package io.backpressure.pipeline.replay;

import io.backpressure.pipeline.outcome.DropReason;
import java.time.Instant;
import java.util.Set;

/**
 * Which dropped records to replay.
 *
 * @param reasons drop reasons to replay
 * @param since   only records dropped at or after this instant; null for no lower bound
 * @param until   only records dropped before this instant; null for no upper bound
 */
public record ReplayFilter(Set<DropReason> reasons, Instant since, Instant until) {

    public ReplayFilter {
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("--reason must name at least one drop reason");
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("--since (" + since + ") must be before --until (" + until + ")");
        }
        reasons = Set.copyOf(reasons);
    }

    boolean inRange(long droppedAtMillis) {
        return (since == null || droppedAtMillis >= since.toEpochMilli()) && (until == null || droppedAtMillis < until.toEpochMilli());
    }
}
