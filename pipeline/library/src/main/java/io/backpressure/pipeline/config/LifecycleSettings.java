package io.backpressure.pipeline.config;

import java.time.Duration;

/**
 * How the instance survives failures of its own stream threads, and how it stops.
 *
 * @param maxThreadReplacements stream-thread failures tolerated within {@code replacementWindow}; one more stops the
 *                              instance instead of replacing the thread again (a crash loop re-runs the same records
 *                              against the downstream every time)
 * @param replacementWindow     the period those failures are counted over
 * @param shutdownGrace         how long a graceful stop (SIGTERM) may take; keep it below the container's grace period
 * @param instanceId            this instance's static group membership id ({@code group.instance.id}), so a restart
 *                              within the session timeout gets its tasks back without a rebalance; empty for dynamic
 *                              membership, {@value #HOSTNAME} for the host name (a StatefulSet pod's stable name)
 */
public record LifecycleSettings(int maxThreadReplacements, Duration replacementWindow, Duration shutdownGrace, String instanceId) {
    public static final String HOSTNAME = "hostname";

    public LifecycleSettings {
        Check.atLeast("pipeline.stream-thread.max-replacements", maxThreadReplacements, 0);
        Check.positive("pipeline.stream-thread.replacement-window", replacementWindow);
        Check.positive("pipeline.shutdown.grace", shutdownGrace);
        if (!instanceId.isEmpty() && !instanceId.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("pipeline.instance-id may contain only letters, digits, '.', '_' and '-', was " + instanceId);
        }
    }

    /** The static membership id, with {@value #HOSTNAME} resolved; null for dynamic membership. */
    public String resolvedInstanceId() {
        if (instanceId.isEmpty()) {
            return null;
        }
        if (!instanceId.equals(HOSTNAME)) {
            return instanceId;
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("pipeline.instance-id=hostname, but this host's name cannot be resolved: " + e.getMessage());
            }
        }
        return host;
    }
}
