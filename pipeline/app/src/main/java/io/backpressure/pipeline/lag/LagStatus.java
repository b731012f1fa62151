package io.backpressure.pipeline.lag;

/** Health of one partition's consumption over an evaluation window, in the spirit of Burrow, with explicit thresholds. */
public enum LagStatus {
    /** Keeping up: caught up, or lag not growing while commits advance. */
    OK,
    /** Commits advance but lag grew across the whole window. */
    LAGGING,
    /** Lag is positive and the committed offset did not move during the window: the consumer is stuck or gone. */
    STALLED,
    /** No new records arrived during the window and nothing is left to consume. */
    IDLE
}
