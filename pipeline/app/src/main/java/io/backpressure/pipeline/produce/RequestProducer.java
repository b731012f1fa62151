package io.backpressure.pipeline.produce;

import io.backpressure.pipeline.config.ClientConfigs;
import io.backpressure.pipeline.serde.AvroSerializer;
import io.backpressure.schemas.WorkRequest;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends generated work requests to the input topic, optionally at a fixed rate, with idempotence on and acks=all. */
public final class RequestProducer {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final ClientConfigs clients;
    private final String registryUrl;
    private final String topic;
    private final Clock clock;

    public RequestProducer(String bootstrapServers, String registryUrl, String topic, Clock clock) {
        this(ClientConfigs.bootstrapOnly(bootstrapServers), registryUrl, topic, clock);
    }

    public RequestProducer(ClientConfigs clients, String registryUrl, String topic, Clock clock) {
        this.clients = clients;
        this.registryUrl = registryUrl;
        this.topic = topic;
        this.clock = clock;
    }

    /**
     * Sends every request and waits until all are acknowledged.
     *
     * @param progress called about once per second with the number acknowledged so far
     * @return the number of requests acknowledged
     */
    public long produce(ProduceSpec spec, LongConsumer progress) {
        return produce(spec, progress, PROGRESS_EVERY, () -> false);
    }

    /**
     * As {@link #produce(ProduceSpec, LongConsumer)}, but stops early, after the request in hand, once {@code stop}
     * says so: the requests sent are then numbers 0 to the returned count - 1.
     */
    public long produce(ProduceSpec spec, LongConsumer progress, BooleanSupplier stop) {
        return produce(spec, progress, PROGRESS_EVERY, stop);
    }

    /**
     * As {@link #produce(ProduceSpec, LongConsumer, BooleanSupplier)},
     * with {@code progress} called about every {@code progressEvery}.
     */
    public long produce(ProduceSpec spec, LongConsumer progress, Duration progressEvery, BooleanSupplier stop) {
        requireTopic();
        AvroSerializer<WorkRequest> serializer = new AvroSerializer<>();
        serializer.configure(clients.serde(registryUrl, Map.of()), false);
        Map<String, Object> config = clients.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // One request in flight: right after a topic is created the broker can answer NOT_LEADER_OR_FOLLOWER, and
                // with several batches in flight the idempotent producer was seen stuck on OUT_OF_ORDER_SEQUENCE_NUMBER.
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024));
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        SplittableRandom random = new SplittableRandom(spec.idPrefix().hashCode());
        byte[] payload = new byte[spec.payloadBytes()];
        long start = System.nanoTime();
        long lastProgress = start;
        try (KafkaProducer<String, WorkRequest> producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
            for (long n = 0; n < spec.count() && failure.get() == null && !stop.getAsBoolean(); n++) {
                pace(spec, n, start);
                random.nextBytes(payload);
                WorkRequest request = request(spec, n, payload);
                producer.send(new ProducerRecord<>(topic, request.getKey(), request), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                if (System.nanoTime() - lastProgress >= progressEvery.toNanos()) {
                    lastProgress = System.nanoTime();
                    progress.accept(acked.get());
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing to " + topic + " failed after " + acked.get() + " requests: "
                    + failure.get().getMessage(), failure.get());
        }
        return acked.get();
    }

    /** Fails at once, with the fix, rather than after the producer's one-minute metadata wait. */
    private void requireTopic() {
        try (Admin admin = Admin.create(clients.admin(Map.of()))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                throw new IllegalStateException("topic " + topic + " does not exist: start 'pipeline run' (or the demo) once to create "
                        + "the pipeline's topics, or check pipeline.topics.input");
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + clients.bootstrapServers() + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private WorkRequest request(ProduceSpec spec, long n, byte[] payload) {
        Instant now = clock.instant();
        return WorkRequest.newBuilder()
                .setRequestId(spec.requestId(n))
                .setKey("key-" + (n % spec.keys()))
                .setPayload(ByteBuffer.wrap(payload.clone()))
                .setCreatedAt(now)
                .setDeadline(spec.deadline() == null ? null : now.plus(spec.deadline()))
                .setAttributes(Map.of("producer", "pipeline-cli"))
                .build();
    }

    /** Sleeps just long enough to keep to the target rate; the bound is one inter-request gap. */
    private static void pace(ProduceSpec spec, long n, long start) {
        if (spec.ratePerSecond() <= 0) {
            return;
        }
        long due = start + (long) (n * 1e9 / spec.ratePerSecond());
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while producing", e);
            }
        }
    }
}
