package io.backpressure.pipeline.topology.internal;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store that holds nothing. It exists for one reason: Kafka Streams 4.4.0 (as 4.1.1 before it) calls {@link #flushCache()} on every
 * caching store of a task in {@code prepareCommit}, before it flushes the producer and commits offsets. What the
 * processor does there (forward finished calls, persist or wait for the rest) is what makes an offset commit safe
 * with asynchronous calls: the committed offset never passes a request that is neither routed nor held in a store
 * written by the same commit. {@code StateStore.flush()} would be too late: it runs after the commit.
 */
public final class DrainHookStore implements StateStore, CachedStateStore<byte[], byte[]> {
    private final String name;
    private volatile Runnable beforeCommit = () -> { };
    private volatile boolean open;

    public DrainHookStore(String name) {
        this.name = name;
    }

    /** Called by the processor in {@code init()}: runs on the stream thread before each commit of its task. */
    public void beforeCommit(Runnable drain) {
        this.beforeCommit = drain;
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<byte[], byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds the store unwrapped: a metered or logging wrapper would hide the {@link CachedStateStore} type from Streams. */
    public static StoreBuilder<DrainHookStore> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<DrainHookStore> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<DrainHookStore> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<DrainHookStore> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<DrainHookStore> withLoggingDisabled() {
                return this;
            }

            @Override
            public DrainHookStore build() {
                return new DrainHookStore(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
