package io.backpressure.pipeline.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the restore of state stores from their changelogs (a task that moved here without a warm standby): one log
 * line when a restore starts and ends, one every few seconds while it runs, and the restores in progress for the
 * status page, so an operator sees why a restarted instance is not processing yet.
 */
final class RestoreProgress implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);
    private static final long LOG_EVERY_MS = 5_000;

    /** One store partition being restored. */
    record Restore(String store, String changelog, int partition, long restored, long total) {
    }

    private final Map<TopicPartition, long[]> running = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> stores = new ConcurrentHashMap<>();
    private volatile long lastLogMs;

    @Override
    public void onRestoreStart(TopicPartition changelog, String store, long startingOffset, long endingOffset) {
        running.put(changelog, new long[] {0, Math.max(0, endingOffset - startingOffset)});
        stores.put(changelog, store);
        LOG.info("restoring {} partition {} from its changelog: {} records", store, changelog.partition(), endingOffset - startingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String store, long batchEndOffset, long numRestored) {
        long[] progress = running.get(changelog);
        if (progress != null) {
            progress[0] += numRestored;
        }
        long now = System.currentTimeMillis();
        if (now - lastLogMs >= LOG_EVERY_MS) {
            lastLogMs = now;
            running.forEach((tp, p) -> LOG.info("restoring {} partition {}: {} of {} records", stores.get(tp), tp.partition(), p[0], p[1]));
        }
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String store, long totalRestored) {
        running.remove(changelog);
        stores.remove(changelog);
        LOG.info("restored {} partition {}: {} records", store, changelog.partition(), totalRestored);
    }

    List<Restore> inProgress() {
        List<Restore> restores = new ArrayList<>();
        running.forEach((tp, p) -> restores.add(new Restore(stores.get(tp), tp.topic(), tp.partition(), p[0], p[1])));
        return restores;
    }
}
