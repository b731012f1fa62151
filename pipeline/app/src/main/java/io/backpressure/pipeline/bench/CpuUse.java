package io.backpressure.pipeline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time spent during a run, per record: by the whole JVM, and by the stream threads of one application (Kafka
 * Streams names them after the application id). Unlike throughput, CPU time per record barely moves when other
 * processes on a shared machine take the cores for a while, so it shows where a variant's extra cost is. Counted from
 * the first result on, like throughput: before it, the application starts (opening and restoring state stores took
 * a quarter of the pipeline's extra stream-thread time over a stateless pass-through), which is not a cost per record.
 */
final class CpuUse {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Microseconds of CPU per record, and bytes the stream threads allocated per record (what the young GC must clear). */
    record PerRecord(double streamThreads, double process, double streamThreadBytes) {
    }

    private final String applicationId;
    private Totals atFirstResults;
    private long recordsAtFirstResults;

    /**
     * The application's stream threads' CPU nanoseconds and allocated bytes so far, the JVM's CPU nanoseconds, and the
     * milliseconds its JIT compilers have spent.
     */
    private record Totals(long streamNanos, long streamBytes, long processNanos, long compileMillis) {
    }

    private CpuUse(String applicationId) {
        this.applicationId = applicationId;
    }

    static CpuUse of(String applicationId) {
        return new CpuUse(applicationId);
    }

    /** The first results have appeared, {@code records} of them: the application has started, counting begins. */
    void firstResults(long records) {
        atFirstResults = totals();
        recordsAtFirstResults = records;
    }

    /** Per-record figures since the first results, and how long the JIT compiled meanwhile (a total, not per record). */
    record SinceFirstResults(PerRecord perRecord, long compileMillis) {
    }

    /**
     * Measured while the application still runs: its stream threads must be alive to be read. The JIT's time is shown
     * beside: apps of several variants in one JVM make it compile Kafka's hot methods again when a variant takes
     * branches the one before did not, on the same two cores.
     */
    SinceFirstResults sinceFirstResults(long records) {
        if (atFirstResults == null) {
            throw new IllegalStateException("firstResults was not called for " + applicationId);
        }
        Totals now = totals();
        long counted = Math.max(1, records - recordsAtFirstResults);
        PerRecord perRecord = new PerRecord((now.streamNanos() - atFirstResults.streamNanos()) / 1e3 / counted,
                (now.processNanos() - atFirstResults.processNanos()) / 1e3 / counted,
                (double) (now.streamBytes() - atFirstResults.streamBytes()) / counted);
        return new SinceFirstResults(perRecord, now.compileMillis() - atFirstResults.compileMillis());
    }

    private Totals totals() {
        long streamNanos = 0;
        long streamBytes = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(applicationId) && info.getThreadName().contains("-StreamThread-")) {
                streamNanos += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
                streamBytes += Math.max(0, allocatedBytes(info.getThreadId()));
            }
        }
        return new Totals(streamNanos, streamBytes, processCpuNanos(), ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
    }


    /** CPU per call of {@code calls} runs of {@code call}: on the calling thread (in the stream threads' column) and in the whole JVM. */
    static PerRecord ofCalls(long calls, Runnable call) {
        long threadAtStart = THREADS.getCurrentThreadCpuTime();
        long processAtStart = processCpuNanos();
        long thread = Thread.currentThread().getId();
        long bytesAtStart = allocatedBytes(thread);
        for (long i = 0; i < calls; i++) {
            call.run();
        }
        return new PerRecord((THREADS.getCurrentThreadCpuTime() - threadAtStart) / 1e3 / calls,
                (processCpuNanos() - processAtStart) / 1e3 / calls, (double) (allocatedBytes(thread) - bytesAtStart) / calls);
    }

    private static long allocatedBytes(long threadId) {
        return ((com.sun.management.ThreadMXBean) THREADS).getThreadAllocatedBytes(threadId);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
