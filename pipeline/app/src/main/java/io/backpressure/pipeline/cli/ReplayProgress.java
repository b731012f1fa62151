package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * A replay's progress: a bar redrawn in place on a terminal; elsewhere (a log, a pipe) one line every few seconds, so
 * the output stays readable.
 */
final class ReplayProgress {
    private static final long LINE_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastLineNanos = startNanos;

    ReplayProgress(PrintWriter out, boolean terminal, long total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
    }

    void update(long replayed) {
        long now = System.nanoTime();
        if (!terminal && now - lastLineNanos < LINE_EVERY_NANOS) {
            return;
        }
        lastLineNanos = now;
        String line = line(replayed, now - startNanos);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    void done(long replayed) {
        if (terminal) {
            out.print("\r" + line(replayed, System.nanoTime() - startNanos) + System.lineSeparator());
            out.flush();
        }
    }

    /** {@code [#####.....]  45% 4,500/10,000 at 498/s, about 11s left}. */
    String line(long replayed, long elapsedNanos) {
        double fraction = total == 0 ? 1 : Math.min(1, (double) replayed / total);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        double perSecond = elapsedNanos <= 0 ? 0 : replayed * 1e9 / elapsedNanos;
        String left = perSecond <= 0 || replayed >= total ? "" : ", about " + Durations.format(Duration.ofSeconds(
                (long) Math.ceil((total - replayed) / perSecond))) + " left";
        return String.format("[%s%s] %3d%% %,d/%,d at %,.0f/s%s", "#".repeat(filled), ".".repeat(BAR_WIDTH - filled),
                Math.round(fraction * 100), replayed, total, perSecond, left);
    }
}
