package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.ReleaseLateness;
import io.backpressure.pipeline.retry.RetryState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's pending retries, in a persistent, changelogged timer store keyed by due time. An entry is written when
 * its delay-topic record is read (in the same commit as that record's offset), and leaves the store only once the
 * outcome of its released call has been routed and is durable: deleting it at release would let a crash lose a request
 * whose delay-topic offset is already committed. A crash after release therefore releases the entry again
 * (at-least-once calls), never loses it.
 *
 * <p>Deletes are issued in the task's pre-commit hook, after the task's calls have drained. Under exactly_once_v2
 * they are part of the transaction that holds the outcomes. Under at_least_once the producer is flushed first, so
 * the outcomes are acknowledged before any delete reaches the changelog.
 *
 * <p>The store is bounded per task: when it is full, holding the next retry waits (bounded) for due entries to be
 * released, so the delay topics stop being consumed and nothing is dropped for lack of room.
 */
final class RetryTimers {
    private static final Logger LOG = LoggerFactory.getLogger(RetryTimers.class);
    private static final int RELEASE_BATCH = 1000;
    /** Routed entries awaiting their delete; past this many the task asks for a commit rather than keep more keys. */
    static final int MAX_AWAITING_DELETE = 10_000;

    /** A released retry: the record to call the handler with, its validated state and the entry to delete once routed. */
    record Released(Record<byte[], byte[]> record, RetryState state, Bytes timerKey) {
    }

    /** Takes a released retry into the window; may itself release more while it waits for a slot. */
    interface Admit {
        void admit(Released released);
    }

    private final KeyValueStore<Bytes, byte[]> store;
    private final Runnable flushProducerBeforeDeletes;
    private final PipelineStats stats;
    private final ReleaseLateness lateness;
    private final Clock clock;
    private final int maxWaiting;
    private final Duration maxBlock;
    /** Entries released whose delete has not been issued: scans skip them (they are in the store until then). */
    private final Set<Bytes> released = new HashSet<>();
    /** Released entries whose outcome has been routed: deleted at the next pre-commit hook. */
    private final List<Bytes> routed = new ArrayList<>();
    private long waiting;
    /**
     * Every entry due before this has been released. Scans start here, not at the first key: deleted entries leave
     * RocksDB tombstones at the head of the key range, and scanning over them on every release would grow slower with
     * every retry.
     */
    private long scanFrom;

    /** @param flushProducerBeforeDeletes null under exactly_once_v2, where the deletes are transactional */
    RetryTimers(KeyValueStore<Bytes, byte[]> store, Runnable flushProducerBeforeDeletes, PipelineStats stats, ReleaseLateness lateness,
                Clock clock, int maxWaiting, Duration maxBlock) {
        this.store = store;
        this.flushProducerBeforeDeletes = flushProducerBeforeDeletes;
        this.stats = stats;
        this.lateness = lateness;
        this.clock = clock;
        this.maxWaiting = maxWaiting;
        this.maxBlock = maxBlock;
        // Every entry in a freshly opened store waits for release, including those released before a crash.
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                waiting++;
            }
        }
        stats.retryPending(waiting);
    }

    /**
     * Holds a validated retry until its due time. {@code offset} is its delay-topic offset: with the attempt it makes
     * the key unique and the same when the record is read again after a crash, so a replayed put overwrites.
     */
    void hold(Record<byte[], byte[]> record, RetryState state, long offset, Admit admit) {
        if (waiting >= maxWaiting) {
            waitForRoom(admit);
        }
        store.put(TimerEntry.key(state.dueAtMs(), state.attempt(), offset), TimerEntry.encode(record));
        scanFrom = Math.min(scanFrom, state.dueAtMs());
        waiting++;
        stats.retryPending(1);
    }

    /** Whether one more retry fits under {@code pipeline.retry.max-pending-per-task} without waiting. */
    boolean hasRoom() {
        return waiting < maxWaiting;
    }

    /** Releases every retry due by now, in due order, in bounded batches so memory stays small after an outage. */
    void releaseDue(Admit admit) {
        List<KeyValue<Bytes, byte[]>> batch;
        do {
            batch = new ArrayList<>(RELEASE_BATCH);
            long now = clock.millis();
            try (KeyValueIterator<Bytes, byte[]> it = store.range(TimerEntry.key(scanFrom, 0, 0), TimerEntry.lastKeyDueBy(now))) {
                while (it.hasNext() && batch.size() < RELEASE_BATCH) {
                    KeyValue<Bytes, byte[]> entry = it.next();
                    if (!released.contains(entry.key)) {
                        batch.add(entry);
                    }
                }
            }
            for (KeyValue<Bytes, byte[]> entry : batch) {
                released.add(entry.key);
                waiting--;
                stats.retryPending(-1);
                long due = TimerEntry.dueOf(entry.key);
                lateness.record(due, clock.millis());
                Record<byte[], byte[]> record = TimerEntry.decode(entry.value);
                // The state was validated when the entry was written; reading it back cannot fail.
                admit.admit(new Released(record, RetryState.read(record.headers()), entry.key));
            }
            if (batch.size() < RELEASE_BATCH) {
                // Everything due by now is released: later scans can start here.
                scanFrom = Math.max(scanFrom, now + 1);
            } else {
                scanFrom = Math.max(scanFrom, TimerEntry.dueOf(batch.get(batch.size() - 1).key));
            }
        } while (batch.size() == RELEASE_BATCH);
    }

    /** The outcome of a released entry's call has been forwarded; returns true when the task should commit soon. */
    boolean routed(Bytes timerKey) {
        routed.add(timerKey);
        return routed.size() >= MAX_AWAITING_DELETE;
    }

    /** Called in the pre-commit hook after the task's calls have drained: deletes the entries whose outcomes are routed. */
    void beforeCommit() {
        if (routed.isEmpty()) {
            return;
        }
        if (flushProducerBeforeDeletes != null) {
            flushProducerBeforeDeletes.run();
        }
        for (Bytes key : routed) {
            store.delete(key);
            released.remove(key);
        }
        routed.clear();
    }

    /**
     * The store is full: release what is due, and if nothing is, wait for the earliest entry to come due, up to the
     * stream thread's blocking bound. Past it the record is taken anyway (the bound is soft by one batch) rather than
     * dropped or left to stall the thread beyond the poll interval.
     */
    private void waitForRoom(Admit admit) {
        long deadline = System.nanoTime() + maxBlock.toNanos();
        while (waiting >= maxWaiting && System.nanoTime() < deadline) {
            releaseDue(admit);
            if (waiting < maxWaiting) {
                return;
            }
            long waitMs = Math.max(1, Math.min(earliestDue() - clock.millis(), (deadline - System.nanoTime()) / 1_000_000));
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (waiting >= maxWaiting) {
            LOG.warn("retry timer store full ({} waiting) and nothing due within {} ms: holding one more", waiting, maxBlock.toMillis());
        }
    }

    private long earliestDue() {
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TimerEntry.key(scanFrom, 0, 0), TimerEntry.lastKeyDueBy(Long.MAX_VALUE))) {
            while (it.hasNext()) {
                Bytes key = it.next().key;
                if (!released.contains(key)) {
                    return TimerEntry.dueOf(key);
                }
            }
            return clock.millis();
        }
    }

    /** The task is closing: its waiting entries no longer count as this instance's. */
    void close() {
        stats.retryPending(-waiting);
    }
}
