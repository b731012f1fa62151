package io.backpressure.pipeline.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When the simulated downstream's worker count changes, counted from the moment it starts: {@code 0s:100,60s:50,120s:100}
 * serves with 100 workers, halves them after a minute and restores them after two. Lets a run show what the pipeline
 * does when a downstream loses and regains capacity.
 */
public record CapacitySchedule(List<Step> steps) {
    public static final CapacitySchedule NONE = new CapacitySchedule(List.of());

    /** From {@code after} on, the downstream serves {@code workers} calls at once (0 = unlimited). */
    public record Step(Duration after, int workers) {
    }

    public CapacitySchedule {
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public static CapacitySchedule parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Step> steps = new ArrayList<>();
        Duration previous = null;
        for (String part : text.split(",")) {
            String[] pair = part.strip().split(":");
            if (pair.length != 2) {
                throw new IllegalArgumentException(setting + " must be a list of after:workers pairs such as 0s:100,60s:50, was '" + text
                        + "' ('" + part.strip() + "' is not a pair)");
            }
            Duration after = Durations.parse(setting, pair[0].strip());
            int workers;
            try {
                workers = Integer.parseInt(pair[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting + ": '" + pair[1].strip() + "' in '" + part.strip() + "' is not a worker count");
            }
            Check.atLeast(setting + " workers", workers, 0);
            if (previous != null && after.compareTo(previous) <= 0) {
                throw new IllegalArgumentException(setting + " must list its times in increasing order, was '" + text + "'");
            }
            previous = after;
            steps.add(new Step(after, workers));
        }
        return new CapacitySchedule(steps);
    }

    @Override
    public String toString() {
        return String.join(",", steps.stream().map(s -> Durations.format(s.after()) + ":" + s.workers()).toList());
    }
}
