package io.backpressure.pipeline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time spent during a run, per record: by the whole JVM, and by the stream threads of one application (Kafka
 * Streams names them after the application id). Unlike throughput, CPU time per record barely moves when other
 * processes on a shared machine take the cores for a while, so it shows where a variant's extra cost is.
 */
final class CpuUse {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Microseconds of CPU per record, and bytes the stream threads allocated per record (what the young GC must clear). */
    record PerRecord(double streamThreads, double process, double streamThreadBytes) {
    }

    private final String applicationId;
    private final long processNanosAtStart;

    private CpuUse(String applicationId) {
        this.applicationId = applicationId;
        this.processNanosAtStart = processCpuNanos();
    }

    /** Starts measuring before the application's threads exist, so their whole CPU time counts. */
    static CpuUse start(String applicationId) {
        return new CpuUse(applicationId);
    }

    /** Measured while the application still runs: its stream threads must be alive to be read. */
    PerRecord perRecord(long records) {
        long streamNanos = 0;
        long streamBytes = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(applicationId) && info.getThreadName().contains("-StreamThread-")) {
                streamNanos += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
                streamBytes += Math.max(0, allocatedBytes(info.getThreadId()));
            }
        }
        long processNanos = processCpuNanos() - processNanosAtStart;
        return new PerRecord(streamNanos / 1e3 / records, processNanos / 1e3 / records, (double) streamBytes / records);
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
