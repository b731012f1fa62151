package io.backpressure.pipeline.config;

import java.time.Duration;

/** Validation helpers whose messages name the setting, the bad value and what is allowed. */
public final class Check {
    private Check() {
    }

    public static int atLeast(String setting, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(setting + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    public static long atLeast(String setting, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(setting + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    public static double between(String setting, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(setting + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    public static Duration positive(String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + " must be a positive duration (for example 500ms, 5s, 1m), was " + value);
        }
        return value;
    }

    public static Duration notNegative(String setting, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(setting + " must be zero or a positive duration, was " + value);
        }
        return value;
    }

    public static String notBlank(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " must not be empty");
        }
        return value;
    }
}
