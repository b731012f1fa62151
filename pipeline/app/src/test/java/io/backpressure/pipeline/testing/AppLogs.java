package io.backpressure.pipeline.testing;

import java.nio.file.Path;

/** Where an integration test's app JVMs write their logs: {@code target/app-logs/<name>.log}, kept for a failed run. */
public final class AppLogs {
    private AppLogs() {
    }

    public static Path of(String name) {
        return Path.of("target", "app-logs", name + ".log");
    }
}
