package io.backpressure.pipeline.serde.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * A thread-safe memo: each key is loaded once even when many threads ask at the same time, and a load that fails is
 * forgotten so the next caller tries again (the registry may be back). Loads run outside any map lock, unlike
 * {@code ConcurrentHashMap#computeIfAbsent}, because they are slow HTTP calls.
 */
final class Memo<K, V> {
    private final ConcurrentMap<K, CompletableFuture<V>> values = new ConcurrentHashMap<>();

    V get(K key, Function<K, V> loader) {
        CompletableFuture<V> existing = values.get(key);
        if (existing == null) {
            CompletableFuture<V> mine = new CompletableFuture<>();
            existing = values.putIfAbsent(key, mine);
            if (existing == null) {
                return load(key, loader, mine);
            }
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    private V load(K key, Function<K, V> loader, CompletableFuture<V> mine) {
        try {
            V value = loader.apply(key);
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            values.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException e) {
            throw e;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }
}
