package io.backpressure.pipeline.doctor;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.errors.ClusterAuthorizationException;

/**
 * This host's clock against the cluster's. Retry due times and deadlines are wall-clock instants written by one host
 * and compared by another, so a skewed clock releases retries early or late and drops requests before their deadline.
 *
 * <p>The cluster's time is read without writing anything: the KRaft quorum's leader reports, for itself, the time it
 * answered as its own replica's last fetch and caught-up timestamps. The request's round trip bounds the error.
 */
final class ClockSkew {
    /** Above this the retry schedule visibly shifts: due times are the backoff's own scale (100 ms base by default). */
    static final Duration TOLERANCE = Duration.ofSeconds(1);

    private final Admin kafka;
    private final Duration timeout;
    private final Clock clock;

    ClockSkew(Admin kafka, Duration timeout, Clock clock) {
        this.kafka = kafka;
        this.timeout = timeout;
        this.clock = clock;
    }

    Finding check() {
        String check = "clock";
        try {
            long before = clock.millis();
            QuorumInfo quorum = kafka.describeMetadataQuorum().quorumInfo().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long after = clock.millis();
            OptionalLong leaderTime = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId())
                    .map(QuorumInfo.ReplicaState::lastCaughtUpTimestamp).findFirst().orElse(OptionalLong.empty());
            if (leaderTime.isEmpty()) {
                return Finding.warn(check, "not checked: the quorum leader reported no time");
            }
            long skew = leaderTime.getAsLong() - (before + after) / 2;
            long error = (after - before) / 2 + 1;
            String detail = "this host is " + Math.abs(skew) + " ms " + (skew > 0 ? "behind" : "ahead of") + " the cluster's controller (±"
                    + error + " ms)";
            return Math.abs(skew) - error > TOLERANCE.toMillis()
                    ? Finding.warn(check, detail + ": retries are released early or late and deadlines misjudged by as much;"
                            + " synchronise the clocks (NTP)")
                    : Finding.ok(check, detail);
        } catch (ExecutionException e) {
            return Finding.warn(check, e.getCause() instanceof ClusterAuthorizationException
                    ? "not checked: reading the cluster's time needs DESCRIBE on the cluster"
                    : "not checked: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            return Finding.warn(check, "not checked: no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.warn(check, "interrupted");
        }
    }
}
