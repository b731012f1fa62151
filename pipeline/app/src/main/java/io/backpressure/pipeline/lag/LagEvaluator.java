package io.backpressure.pipeline.lag;

import java.util.List;

/**
 * Judges one partition from samples taken over an evaluation window (oldest first). Pure, so each rule is unit-tested.
 * A partition whose only remaining "record" is a transaction marker (exactly-once) counts as caught up: its lag is
 * reported as zero, not one.
 */
public final class LagEvaluator {
    private LagEvaluator() {
    }

    public static LagStatus evaluate(List<PartitionLag> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("at least one sample is needed");
        }
        PartitionLag first = samples.get(0);
        PartitionLag last = samples.get(samples.size() - 1);
        boolean committedMoved = last.committed() != first.committed();
        boolean newRecords = last.end() != first.end();
        if (last.lag() == 0) {
            return newRecords || committedMoved ? LagStatus.OK : LagStatus.IDLE;
        }
        if (!committedMoved && samples.size() > 1) {
            return LagStatus.STALLED;
        }
        if (growing(samples)) {
            return LagStatus.LAGGING;
        }
        return LagStatus.OK;
    }

    /** Lag never shrank between samples and ended higher than it started. */
    private static boolean growing(List<PartitionLag> samples) {
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).lag() < samples.get(i - 1).lag()) {
                return false;
            }
        }
        return samples.size() > 1 && samples.get(samples.size() - 1).lag() > samples.get(0).lag();
    }
}
