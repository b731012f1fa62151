package io.backpressure.pipeline.config;

import java.time.Duration;
import java.util.Locale;

/**
 * What a commit does with the calls still in flight.
 *
 * @param mode         {@link Mode#PERSIST} or {@link Mode#DRAIN}
 * @param handoverWait persist: when the task is leaving this instance (a rebalance takes it, or the instance stops),
 *                     how long the commit first waits for its calls to finish, so the next owner repeats as few calls
 *                     as possible
 */
public record CommitSettings(Mode mode, Duration handoverWait) {

    public enum Mode {
        /**
         * The commit does not wait: the requests of calls still in flight are written to the task's changelogged timer
         * store in the same commit as the offsets that pass them, and re-dispatched from there after a crash or by the
         * task's next owner.
         */
        PERSIST,
        /** The commit waits until every call of the task has finished and its outcome is written. */
        DRAIN;

        public static Mode parse(String setting, String value) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(value.strip())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(setting + " must be persist or drain, was " + value);
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CommitSettings {
        Check.notNegative("pipeline.commit.handover-wait", handoverWait);
    }
}
