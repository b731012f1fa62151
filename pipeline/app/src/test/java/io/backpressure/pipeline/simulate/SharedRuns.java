package io.backpressure.pipeline.simulate;

/** Runs that several test classes check, computed once per test JVM to keep the suite fast. */
final class SharedRuns {
    private SharedRuns() {
    }

    static OverloadResult defaultOverload() {
        return DefaultOverload.RESULT;
    }

    /** Initialised on first use only (the holder idiom), so a test class that does not need it does not pay for it. */
    private static final class DefaultOverload {
        static final OverloadResult RESULT = OverloadStudy.run(OverloadConfig.defaults());
    }
}
