package io.backpressure.pipeline.doctor;

/**
 * One thing the doctor found.
 *
 * @param check    what was checked ({@code broker}, {@code registry}, {@code topic work-requests}, ...)
 * @param severity {@code OK}, {@code WARN} (runs, but look at it) or {@code FAIL} (the pipeline cannot run like this)
 * @param detail   what was found and, when it is not OK, what to do
 */
public record Finding(String check, Severity severity, String detail) {

    public enum Severity {
        OK, WARN, FAIL
    }

    static Finding ok(String check, String detail) {
        return new Finding(check, Severity.OK, detail);
    }

    static Finding warn(String check, String detail) {
        return new Finding(check, Severity.WARN, detail);
    }

    static Finding fail(String check, String detail) {
        return new Finding(check, Severity.FAIL, detail);
    }

    /** {@code FAIL  topic work-requests: exists with 3 partitions, ...}. */
    public String line() {
        return String.format("%-4s  %s: %s", severity, check, detail);
    }
}
