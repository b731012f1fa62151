package io.backpressure.pipeline.lag;

import java.io.PrintWriter;
import java.util.List;

/** Prints lag rows as an aligned table with totals. */
public final class LagTable {
    private LagTable() {
    }

    public static void print(PrintWriter out, String group, List<PartitionLag> rows) {
        out.printf("%-32s %9s %12s %12s %10s %10s%n", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "TIME-LAG");
        long totalLag = 0;
        long maxTime = 0;
        for (PartitionLag row : rows) {
            out.printf("%-32s %9d %12s %12d %10d %10s%n", row.topic(), row.partition(),
                    row.committed() < 0 ? "-" : Long.toString(row.committed()), row.end(), row.lag(), seconds(row.timeLagMs()));
            totalLag += row.lag();
            maxTime = Math.max(maxTime, row.timeLagMs());
        }
        out.printf("%-32s %9s %12s %12s %10d %10s%n", "TOTAL (group " + group + ")", "", "", "", totalLag, seconds(maxTime));
        out.flush();
    }

    static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
