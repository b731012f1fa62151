package io.backpressure.pipeline.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a bound; the failure message says what was awaited and what was last seen. */
public final class Await {
    private Await() {
    }

    public static void until(String what, Duration bound, BooleanSupplier condition) {
        until(what, bound, condition, () -> "");
    }

    public static void until(String what, Duration bound, BooleanSupplier condition, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + bound.toSeconds() + " s waiting for " + what + "; last seen: " + lastSeen.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
