package io.backpressure.pipeline.simulate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What pushes the downstream past its capacity for a short while in the overload simulation. */
public enum Trigger {
    /** Arrivals jump to {@code spike-factor} times the downstream's capacity. */
    SPIKE("spike"),
    /** Half the downstream's workers stop (a deploy, a failed host, a noisy neighbour); arrivals stay as they were. */
    CAPACITY_DROP("capacity-drop"),
    /** Nothing happens: shows that the steady load alone is healthy for both clients. */
    NONE("none");

    private final String optionValue;

    Trigger(String optionValue) {
        this.optionValue = optionValue;
    }

    public String optionValue() {
        return optionValue;
    }

    public static Trigger parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.optionValue.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--trigger must be one of "
                        + Arrays.stream(values()).map(Trigger::optionValue).collect(Collectors.joining(", ")) + ", was " + text));
    }
}
