package io.backpressure.pipeline.handler;

import java.util.concurrent.CompletionStage;

/**
 * Calls the downstream for one record. Must not block: return at once and complete the stage later (a stage already
 * complete on return takes a fast path). The stage must support {@code toCompletableFuture()}, as every JDK stage
 * does. A stage completed exceptionally, or an exception thrown, is classified by {@link FailureClassifier}: a
 * {@link FailureClassifier.NonRetryableException} or {@link IllegalArgumentException} is dropped at once, anything
 * else is retried. It may be called on any of several threads at once: a stream thread, the launcher thread, or the
 * thread that completed an earlier call's stage (which passes its window slot on), so it must be thread-safe.
 *
 * @param <K> the key type, as the key serde reads it
 * @param <V> the value type, as the value serde reads it
 * @param <R> the result type, written to the results topic with the result serde
 */
@FunctionalInterface
public interface RecordHandler<K, V, R> extends AutoCloseable {

    CompletionStage<Outcome<R>> handle(PipelineRecord<K, V> record);

    @Override
    default void close() {
    }
}
