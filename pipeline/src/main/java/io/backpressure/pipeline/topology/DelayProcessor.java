package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.topology.internal.JitteredTimer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds retries read from the delay topics in a persistent, changelogged timer store keyed by due time, and releases
 * each to the work processor no earlier than its due time, from a jittered wall-clock timer. Because the store is
 * changelogged and written in the same commit as the delay-topic offsets, pending retries survive a crash.
 * The store is bounded per task: when it is full, taking the next delayed record waits (bounded) for due entries to
 * leave, so the delay topics stop being consumed and nothing is dropped for lack of room.
 */
final class DelayProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DelayProcessor.class);
    private static final int RELEASE_BATCH = 1000;

    private final PipelineParts parts;
    private final RandomGenerator random;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> timers;
    private JitteredTimer timer;
    private long pending;
    /**
     * No entry is due before this. Scans start here, not at the first key: released entries leave RocksDB tombstones at
     * the head of the key range, and scanning over them on every release would grow slower with every retry.
     */
    private long scanFrom;

    DelayProcessor(PipelineParts parts, RandomGenerator random) {
        this.parts = parts;
        this.random = random;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.timers = context.getStateStore(PipelineTopology.TIMER_STORE);
        this.pending = countPending();
        this.scanFrom = 0;
        this.timer = JitteredTimer.start(context, parts.releaseInterval(), random, this::releaseDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Clock clock = parts.clock();
        long due = PipelineHeaders.getLong(record.headers(), PipelineHeaders.DUE_AT, clock.millis());
        int attempt = (int) PipelineHeaders.getLong(record.headers(), PipelineHeaders.ATTEMPT, 2);
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(pending);
        if (pending >= parts.maxPendingPerTask()) {
            waitForRoom();
        }
        timers.put(TimerEntry.key(due, attempt, offset), TimerEntry.encode(record));
        scanFrom = Math.min(scanFrom, due);
        pending++;
        parts.stats().retryPending(1);
    }

    /** Releases every retry due by now, in due order, in bounded batches so memory stays small after an outage. */
    private void releaseDue() {
        List<KeyValue<Bytes, byte[]>> batch;
        do {
            batch = new ArrayList<>(RELEASE_BATCH);
            long now = parts.clock().millis();
            try (KeyValueIterator<Bytes, byte[]> it = timers.range(TimerEntry.key(scanFrom, 0, 0), TimerEntry.lastKeyDueBy(now))) {
                while (it.hasNext() && batch.size() < RELEASE_BATCH) {
                    batch.add(it.next());
                }
            }
            for (KeyValue<Bytes, byte[]> entry : batch) {
                timers.delete(entry.key);
                pending--;
                parts.stats().retryPending(-1);
                parts.lateness().record(TimerEntry.dueOf(entry.key), parts.clock().millis());
                context.forward(TimerEntry.decode(entry.value));
            }
            if (batch.size() < RELEASE_BATCH) {
                // Everything due by now is gone: later scans can start here.
                scanFrom = Math.max(scanFrom, now + 1);
            }
        } while (batch.size() == RELEASE_BATCH);
    }

    /**
     * The store is full: release what is due, and if nothing is, wait for the earliest entry to come due, up to the
     * stream thread's blocking bound. Past it the record is taken anyway (the bound is soft by one batch) rather than
     * dropped or left to stall the thread beyond the poll interval.
     */
    private void waitForRoom() {
        long deadline = System.nanoTime() + parts.maxBlock().toNanos();
        while (pending >= parts.maxPendingPerTask() && System.nanoTime() < deadline) {
            releaseDue();
            if (pending < parts.maxPendingPerTask()) {
                return;
            }
            long earliest = earliestDue();
            long waitMs = Math.max(1, Math.min(earliest - parts.clock().millis(), (deadline - System.nanoTime()) / 1_000_000));
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (pending >= parts.maxPendingPerTask()) {
            LOG.warn("retry timer store full ({} pending) and nothing due within {} ms: holding one more",
                    pending, parts.maxBlock().toMillis());
        }
    }

    private long earliestDue() {
        try (KeyValueIterator<Bytes, byte[]> it = timers.range(TimerEntry.key(scanFrom, 0, 0), TimerEntry.lastKeyDueBy(Long.MAX_VALUE))) {
            return it.hasNext() ? TimerEntry.dueOf(it.next().key) : parts.clock().millis();
        }
    }

    private long countPending() {
        long n = 0;
        try (KeyValueIterator<Bytes, byte[]> it = timers.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        parts.stats().retryPending(n);
        return n;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.cancel();
        }
        parts.stats().retryPending(-pending);
    }

}
