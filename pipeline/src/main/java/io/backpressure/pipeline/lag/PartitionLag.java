package io.backpressure.pipeline.lag;

/**
 * Lag of one partition.
 *
 * @param committed the group's committed offset, or -1 when the group has committed nothing for this partition
 * @param end       the last stable offset (read-committed end of the log)
 * @param timeLagMs age of the record at the committed offset; 0 when caught up
 */
public record PartitionLag(String topic, int partition, long committed, long end, long timeLagMs) {

    /** Offsets not yet committed; with no commit yet, the whole log counts. */
    public long lag() {
        return committed < 0 ? end : Math.max(0, end - committed);
    }
}
