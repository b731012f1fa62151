package io.backpressure.pipeline.config;

import java.util.Locale;

/**
 * Whether requests of one key may run at once.
 *
 * @param mode      {@link Mode#UNORDERED} or {@link Mode#KEY}
 * @param maxParked key mode: the most requests a task keeps parked behind busy keys before admission waits
 */
public record OrderingSettings(Mode mode, int maxParked) {

    public enum Mode {
        /** Requests run as the window allows; one key's requests may be in flight together and finish in any order. */
        UNORDERED,
        /**
         * At most one request per key is in flight or waiting for a retry; a key's later requests wait, parked in order,
         * until it is done (a result or a drop). Other keys run meanwhile.
         */
        KEY;

        public static Mode parse(String setting, String value) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(value.strip())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(setting + " must be unordered or key, was " + value);
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public OrderingSettings {
        Check.atLeast("pipeline.ordering.max-parked", maxParked, 1);
    }

    public static OrderingSettings unordered() {
        return new OrderingSettings(Mode.UNORDERED, 10_000);
    }

    public boolean byKey() {
        return mode == Mode.KEY;
    }
}
