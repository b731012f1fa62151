package io.backpressure.pipeline.app;

import io.backpressure.pipeline.health.HealthGate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The app's own gauge, beside the library's ({@code InstanceGauges}): paused [pipeline_paused], as only the app pauses
 * consumption. Retry release lateness registers its own meters ({@code ReleaseLateness}).
 */
final class InstanceMeters {
    private InstanceMeters() {
    }

    static void bindPaused(MeterRegistry registry, HealthGate health) {
        Gauge.builder("pipeline.paused", health, h -> h.paused() ? 1 : 0).description("1 while consumption is paused").register(registry);
    }
}
