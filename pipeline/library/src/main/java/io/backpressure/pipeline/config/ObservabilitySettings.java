package io.backpressure.pipeline.config;

import java.time.Duration;

/**
 * The app's HTTP server (Prometheus metrics, health endpoints, live status page) and its own lag measurement.
 *
 * @param httpHost         address to bind; loopback by default so nothing is exposed unless asked for
 * @param httpPort         port; 0 for no server
 * @param lagRefresh       how often lag is measured from committed offsets (jittered)
 */
public record ObservabilitySettings(String httpHost, int httpPort, Duration lagRefresh) {

    public ObservabilitySettings {
        Check.notBlank("pipeline.http.host", httpHost);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("pipeline.http.port must be between 0 and 65535 (0 = no server), was " + httpPort);
        }
        Check.positive("pipeline.lag.refresh-interval", lagRefresh);
    }
}
