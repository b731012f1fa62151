package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.metrics.PipelineStats;
import io.backpressure.pipeline.retry.RetryState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-flight store's batches: split when large, shrunk as outcomes are routed, and read back whole by a new owner. */
class PersistedCallsTest {
    private KeyValueStore<Long, byte[]> store;
    private final List<Runnable> flushes = new ArrayList<>();

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("in-flight"), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    private PersistedCalls open() {
        return new PersistedCalls(store, () -> flushes.add(() -> { }), new PipelineStats());
    }

    private static Call call(int n, int payloadBytes) {
        Record<byte[], byte[]> record = new Record<>(new byte[] {(byte) n}, ByteBuffer.allocate(payloadBytes).putInt(0, n).array(), n);
        ProcessorRecordContext origin = new ProcessorRecordContext(n, n, 0, "requests", new RecordHeaders());
        return new Call(null, record, origin, RetryState.first(n), null, null);
    }

    private static int idOf(Record<byte[], byte[]> record) {
        return ByteBuffer.wrap(record.value()).getInt(0);
    }

    @Test
    void aNewOwnerReadsBackExactlyTheRequestsWhoseOutcomesAreNotRouted() {
        PersistedCalls persisted = open();
        List<Call> calls = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            calls.add(call(n, 100_000));
        }
        persisted.persist(calls);
        assertTrue(entries() >= 4, entries() + " entries hold 800 kB: batches are split to stay far below the request size limit");

        for (int n : new int[] {0, 1, 2, 5, 7}) {
            persisted.routed(calls.get(n).slot());
        }
        persisted.beforeCommit();
        assertEquals(1, flushes.size(), "under at_least_once the outcomes are flushed before the store changes");

        List<PersistedCalls.Stored> readBack = open().takeRestored().stream().map(PersistedCalls.Slot::stored).toList();
        assertEquals(List.of(3, 4, 6), readBack.stream().map(stored -> idOf(stored.record())).toList());
        PersistedCalls.Stored three = readBack.get(0);
        assertEquals(RetryState.first(3), three.state(), "the retry state comes back as it was");
        assertEquals("requests", PipelineHeaders.get(three.record().headers(), PipelineHeaders.ORIGINAL_TOPIC));
        assertEquals("3", PipelineHeaders.get(three.record().headers(), PipelineHeaders.ORIGINAL_OFFSET));
    }

    @Test
    void batchesWhoseCallsAreAllRoutedAreDeletedAndNewOnesNeverReuseAKey() {
        PersistedCalls persisted = open();
        List<Call> first = List.of(call(1, 10), call(2, 10));
        persisted.persist(first);
        first.forEach(c -> persisted.routed(c.slot()));
        persisted.beforeCommit();
        assertEquals(0, entries());

        List<Call> second = List.of(call(3, 10));
        persisted.persist(second);
        PersistedCalls reopened = open();
        reopened.persist(List.of(call(4, 10)));
        assertEquals(List.of(3, 4), open().takeRestored().stream().map(slot -> idOf(slot.stored().record())).toList());
    }

    private int entries() {
        int count = 0;
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }
}
