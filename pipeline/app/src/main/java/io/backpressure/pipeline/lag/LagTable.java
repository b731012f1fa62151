package io.backpressure.pipeline.lag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a lag report as an aligned table with totals, or as JSON for scripts. */
public final class LagTable {
    private LagTable() {
    }

    public static void print(PrintWriter out, String group, LagReport report) {
        out.printf("%-36s %9s %12s %12s %10s %10s  %s%n", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "TIME-LAG", "STATUS");
        long totalLag = 0;
        long maxTime = 0;
        for (LagReport.Row row : report.rows()) {
            PartitionLag lag = row.lag();
            out.printf("%-36s %9d %12s %12d %10d %10s  %s%n", lag.topic(), lag.partition(),
                    lag.committed() < 0 ? "-" : Long.toString(lag.committed()), lag.end(), lag.lag(), seconds(lag.timeLagMs()), row.status());
            totalLag += lag.lag();
            maxTime = Math.max(maxTime, lag.timeLagMs());
        }
        out.printf("%-36s %9s %12s %12s %10d %10s  %s%n", "TOTAL (group " + group + ")", "", "", "", totalLag, seconds(maxTime),
                report.overall());
        out.flush();
    }

    public static void printJson(PrintWriter out, String group, LagReport report) {
        List<Map<String, Object>> partitions = new ArrayList<>();
        long totalLag = 0;
        long maxTime = 0;
        for (LagReport.Row row : report.rows()) {
            PartitionLag lag = row.lag();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("topic", lag.topic());
            p.put("partition", lag.partition());
            p.put("committed", lag.committed());
            p.put("end", lag.end());
            p.put("lag", lag.lag());
            p.put("timeLagSeconds", lag.timeLagMs() / 1000.0);
            p.put("status", row.status().name());
            partitions.add(p);
            totalLag += lag.lag();
            maxTime = Math.max(maxTime, lag.timeLagMs());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("group", group);
        doc.put("status", report.overall().name());
        doc.put("totalLag", totalLag);
        doc.put("maxTimeLagSeconds", maxTime / 1000.0);
        doc.put("partitions", partitions);
        try {
            out.println(new ObjectMapper().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
