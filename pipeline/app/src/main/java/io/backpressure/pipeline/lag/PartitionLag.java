package io.backpressure.pipeline.lag;

/**
 * Lag of one partition.
 *
 * @param committed the group's committed offset, or -1 when the group has committed nothing for this partition
 * @param end       the last stable offset (read-committed end of the log)
 * @param timeLagMs age of the record at the committed offset; 0 when caught up
 * @param onlyMarkers true when no record is left between the committed offset and the end, only transaction markers:
 *                    under exactly-once a caught-up partition looks like a lag of 1 that is really 0
 */
public record PartitionLag(String topic, int partition, long committed, long end, long timeLagMs, boolean onlyMarkers) {

    /** Offsets not yet committed (zero when only transaction markers remain); with no commit yet, the whole log counts. */
    public long lag() {
        if (onlyMarkers) {
            return 0;
        }
        return committed < 0 ? end : Math.max(0, end - committed);
    }

    /** The raw difference, as Kafka's consumer-groups tool reports it (markers included). */
    public long offsetLag() {
        return committed < 0 ? end : Math.max(0, end - committed);
    }
}
