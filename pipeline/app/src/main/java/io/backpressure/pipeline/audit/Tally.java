package io.backpressure.pipeline.audit;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;

/** How often each request id was seen in the results and dropped topics. */
public final class Tally {
    private final Map<String, Integer> seen = new HashMap<>();
    private long results;
    private long dropped;

    void result(String requestId) {
        results++;
        seen.merge(requestId, 1, Integer::sum);
    }

    void dropped(String requestId) {
        dropped++;
        if (requestId != null) {
            seen.merge(requestId, 1, Integer::sum);
        }
    }

    public long results() {
        return results;
    }

    public long dropped() {
        return dropped;
    }

    public int timesSeen(String requestId) {
        return seen.getOrDefault(requestId, 0);
    }

    /** Checks the ids {@code idOf(0) .. idOf(count - 1)}. */
    public Summary summarize(long count, LongFunction<String> idOf) {
        long missing = 0;
        long duplicates = 0;
        for (long n = 0; n < count; n++) {
            int times = timesSeen(idOf.apply(n));
            if (times == 0) {
                missing++;
            } else if (times > 1) {
                duplicates += times - 1;
            }
        }
        return new Summary(count, results, dropped, missing, duplicates);
    }

    /** The demo's last line, whose exact form scripts rely on. */
    public record Summary(long produced, long results, long dropped, long missing, long duplicates) {
        public String line() {
            return "SUMMARY produced=" + produced + " results=" + results + " dropped=" + dropped + " missing=" + missing
                    + " duplicates=" + duplicates;
        }
    }
}
