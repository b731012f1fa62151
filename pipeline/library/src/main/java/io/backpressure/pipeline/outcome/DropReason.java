package io.backpressure.pipeline.outcome;

/** Why a request went to the dropped topic. The names are stable: they appear unchanged in headers, metrics and logs. */
public enum DropReason {
    /** The handler failed retryably on every one of the allowed attempts. */
    RETRIES_EXHAUSTED,
    /** The handler said no retry can succeed. */
    NON_RETRYABLE,
    /** The request's deadline passed before it could be (re)tried. */
    DEADLINE_EXCEEDED,
    /** The instance's retry budget refused another attempt. */
    RETRY_BUDGET_EXHAUSTED,
    /** The record's bytes could not be decoded into a request. */
    UNDECODABLE,
    /** A delay-topic record whose retry state the pipeline cannot have written: forged, damaged or out of range. */
    INVALID_RETRY_STATE,
    /** The handler's result is larger than the producer may send ({@code max.request.size}). */
    RESULT_TOO_LARGE
}
