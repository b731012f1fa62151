package io.backpressure.pipeline.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The whole validated configuration of one pipeline instance. Bad combinations are refused here, at start. */
public record PipelineConfig(KafkaSettings kafka, TopicSettings topics, DecodeSettings decode, WindowSettings window, HandlerSettings handler,
                             RetrySettings retry, CommitSettings commit, OrderingSettings ordering, HealthSettings health,
                             ObservabilitySettings observability,
                             LifecycleSettings lifecycle) {

    /** Poll often so punctuators that forward finished calls fire on time (the Streams default is 100 ms). */
    static final String DEFAULT_POLL_MS = "10";
    static final Duration DEFAULT_MAX_REGISTRY_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Kafka's handlers that let Streams continue past a record that failed: each would lose that record silently. The
     * pipeline routes a bad record to the dropped topic itself, so only Kafka's failing handlers are accepted.
     */
    private static final Map<String, String> FAILING_HANDLERS = Map.of(
            "deserialization.exception.handler", "org.apache.kafka.streams.errors.LogAndFailExceptionHandler",
            "default.deserialization.exception.handler", "org.apache.kafka.streams.errors.LogAndFailExceptionHandler",
            "processing.exception.handler", "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler",
            "production.exception.handler", "org.apache.kafka.streams.errors.DefaultProductionExceptionHandler",
            "default.production.exception.handler", "org.apache.kafka.streams.errors.DefaultProductionExceptionHandler");

    public PipelineConfig {
        checkWaitBounds(kafka, window);
        if (commit.handoverWait().compareTo(maxBlock(window)) > 0) {
            throw new IllegalArgumentException("pipeline.commit.handover-wait=" + Durations.format(commit.handoverWait())
                    + " is longer than the stream thread may block (" + Durations.format(maxBlock(window))
                    + ", from pipeline.handler.timeout): shorten it");
        }
        refuseHandlersThatContinue(kafka);
        checkRegistryFitsTheBlockingBound(kafka, window);
        if (ordering.byKey() && kafka.guarantee() != ProcessingGuarantee.EXACTLY_ONCE_V2) {
            // A request released from its key's queue has its input offset committed long before; only a transaction
            // ties its store entries to its call's persistence and outcome, so a crash cannot lose it.
            throw new IllegalArgumentException("pipeline.ordering=key needs pipeline.processing-guarantee=exactly_once_v2, was "
                    + kafka.guarantee().streamsName() + ": under at_least_once a crash could lose a request waiting for its key");
        }
    }

    private static void refuseHandlersThatContinue(KafkaSettings kafka) {
        FAILING_HANDLERS.forEach((name, failing) -> {
            String value = kafka.streamsOverrides().get(name);
            if (value != null && !value.strip().equals(failing)) {
                throw new IllegalStateException("kafka." + name + "=" + value + " is refused: a handler that continues past a failed record"
                        + " loses it; the pipeline sends bad records to the dropped topic itself (remove the setting, or set " + failing + ")");
            }
        });
    }

    /**
     * How long one registry request may take: as set, or the stream thread's blocking bound shared among the registry
     * URLs (at most {@link #DEFAULT_MAX_REGISTRY_TIMEOUT}), so decoding never blocks the thread past that bound.
     */
    public Duration registryTimeout() {
        if (kafka.registryTimeout() != null) {
            return kafka.registryTimeout();
        }
        Duration share = maxBlock(window).dividedBy(kafka.registryUrlCount());
        return share.compareTo(DEFAULT_MAX_REGISTRY_TIMEOUT) > 0 ? DEFAULT_MAX_REGISTRY_TIMEOUT : share;
    }

    private static void checkRegistryFitsTheBlockingBound(KafkaSettings kafka, WindowSettings window) {
        if (kafka.registryTimeout() == null) {
            return;
        }
        Duration worst = kafka.registryTimeout().multipliedBy(kafka.registryUrlCount());
        Duration maxBlock = maxBlock(window);
        if (worst.compareTo(maxBlock) > 0) {
            throw new IllegalStateException("pipeline.schema-registry.timeout=" + Durations.format(kafka.registryTimeout()) + " x "
                    + kafka.registryUrlCount() + " registry URL(s) = " + worst.toMillis() + " ms, more than the stream thread may block ("
                    + maxBlock.toMillis() + " ms, from pipeline.handler.timeout): lower pipeline.schema-registry.timeout or raise "
                    + "pipeline.handler.timeout");
        }
    }

    /**
     * Kafka Streams properties for this pipeline: our defaults first, then the user's {@code kafka.*} overrides.
     */
    public Properties streamsProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, kafka.guarantee().streamsName());
        props.put(StreamsConfig.STATE_DIR_CONFIG, kafka.stateDir());
        props.put(StreamsConfig.POLL_MS_CONFIG, DEFAULT_POLL_MS);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor());
        // A retry travels through a delay topic before its timer starts; Streams' defaults (linger 100 ms, fetch wait
        // 500 ms) would add up to 600 ms to a short backoff. Tuned for prompt retries; kafka.* overrides still win.
        props.put(StreamsConfig.producerPrefix("linger.ms"), "5");
        // With a short linger, the 16 KB default batch caps one partition's output near 12,000 small records/s here.
        props.put(StreamsConfig.producerPrefix("batch.size"), Integer.toString(256 * 1024));
        props.put(StreamsConfig.mainConsumerPrefix("fetch.max.wait.ms"), "50");
        // A task restoring a short changelog (a restart, a moved task) otherwise waits the 500 ms default per fetch; measured
        // here, a restarted instance reached RUNNING about 1 s sooner with 50 ms.
        props.put(StreamsConfig.restoreConsumerPrefix("fetch.max.wait.ms"), "50");
        // Nothing here joins streams, so a task need not wait to order records across its input and delay partitions.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        // A task that moves (a restart, a scale-in) resumes from a warm copy of its timer store instead of restoring the
        // whole changelog first. With one instance there is nowhere to put it, and Streams assigns none.
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        String instanceId = lifecycle.resolvedInstanceId();
        if (instanceId != null) {
            // Kafka Streams appends each stream thread's index to it.
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        // Kafka recommends it, warns at every start without it, and makes it the default in 5.0; a topology without
        // global stores behaves the same either way.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // Again for the main consumer: Kafka Streams' partition assignor builds a StreamsConfig of the consumer's
        // settings, which leave this one out, and that logged the same warning for every stream thread at every start.
        props.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), "true");
        // A stream thread polls again, and so takes part in a rebalance, only once it has handed every record of its
        // last poll to the window; with the window full that takes as long as the window needs to work through them.
        // Kafka Streams' 1,000 records per poll kept a newcomer out of its partitions for minutes beside a window of slow
        // calls; a window's worth keeps the thread polling every few call latencies. (Each loop drains the per-partition
        // buffers before the next poll, so they need no bound; a smaller one cost throughput.)
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), Math.min(1000, window.capacity()));
        props.putAll(kafka.streamsOverrides());
        if (setsPollRecords(kafka.streamsOverrides())) {
            props.remove(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
        }
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    /** Whether these properties set the records per poll in any form Kafka Streams reads, which then wins over ours. */
    public static boolean setsPollRecords(Map<?, ?> properties) {
        String key = ConsumerConfig.MAX_POLL_RECORDS_CONFIG;
        return properties.containsKey(key) || properties.containsKey(StreamsConfig.consumerPrefix(key))
                || properties.containsKey(StreamsConfig.mainConsumerPrefix(key));
    }

    /** Delay topic for requests waiting for attempt {@code attempt + 1}: named after the input topic and the attempt. */
    public String delayTopic(int attempt) {
        return topics.input() + "-retry-" + attempt;
    }

    /** Every delay topic: one per retry, so {@code max-attempts - 1} of them. */
    public java.util.List<String> delayTopics() {
        return java.util.stream.IntStream.range(1, retry.maxAttempts()).mapToObj(this::delayTopic).toList();
    }

    /** The producer's {@code max.request.size} as configured (Kafka's default 1 MiB): no larger record can be sent. */
    public int maxProducerRequestBytes() {
        Properties props = streamsProperties();
        String value = props.getProperty(StreamsConfig.producerPrefix("max.request.size"), props.getProperty("max.request.size", "1048576"));
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kafka.max.request.size must be a whole number of bytes, was '" + value + "'");
        }
    }

    /** The longest a stream thread may block waiting for the window: a timed-out call always frees a slot before it. */
    public Duration maxBlock() {
        return maxBlock(window);
    }

    private static Duration maxBlock(WindowSettings window) {
        return window.handlerTimeout().plus(window.handlerTimeout().dividedBy(2)).plusSeconds(1);
    }

    private static void checkWaitBounds(KafkaSettings kafka, WindowSettings window) {
        Duration maxBlock = maxBlock(window);
        long maxPoll = longSetting(kafka, "max.poll.interval.ms", 300_000L);
        if (maxBlock.toMillis() > maxPoll / 2) {
            throw new IllegalStateException("pipeline.handler.timeout=" + Durations.format(window.handlerTimeout())
                    + " lets the stream thread block for up to " + maxBlock.toMillis() + " ms, more than half of kafka.max.poll.interval.ms="
                    + maxPoll + ": lower pipeline.handler.timeout or raise kafka.max.poll.interval.ms");
        }
        if (kafka.guarantee() == ProcessingGuarantee.EXACTLY_ONCE_V2) {
            // Streams sets transaction.timeout.ms to 10 s under exactly-once unless the user overrides it.
            long txTimeout = longSetting(kafka, "producer.transaction.timeout.ms", longSetting(kafka, "transaction.timeout.ms", 10_000L));
            long commitInterval = longSetting(kafka, "commit.interval.ms", 100L);
            if (maxBlock.toMillis() + commitInterval >= txTimeout) {
                throw new IllegalStateException("under exactly_once_v2 a transaction may stay open for pipeline.handler.timeout x 1.5 + 1 s ("
                        + maxBlock.toMillis() + " ms) plus kafka.commit.interval.ms (" + commitInterval
                        + " ms), which must stay below the transaction timeout (" + txTimeout
                        + " ms): lower pipeline.handler.timeout or kafka.commit.interval.ms, or raise kafka.producer.transaction.timeout.ms");
            }
        }
    }

    private static long longSetting(KafkaSettings kafka, String name, long fallback) {
        String value = kafka.streamsOverrides().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kafka." + name + " must be a whole number of milliseconds, was " + value);
        }
    }
}
