package io.backpressure.pipeline.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The broker and the registry together, started in order and stopped in reverse. */
public final class LocalStack implements AutoCloseable {
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_REGISTRY_PORT = 8081;
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:" + DEFAULT_KAFKA_PORT;
    public static final String DEFAULT_REGISTRY_URL = RegistryProcess.urlFor(DEFAULT_REGISTRY_PORT);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final KafkaBrokerProcess broker;
    private final RegistryProcess registry;

    private LocalStack(KafkaBrokerProcess broker, RegistryProcess registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** Starts the broker and the registry in parallel (they do not depend on each other) and waits for both. */
    public static LocalStack start(Path dataDir, int kafkaPort, int controllerPort, int registryPort) {
        return start(dataDir, kafkaPort, controllerPort, registryPort, null);
    }

    /** @param security null for a PLAINTEXT broker; otherwise its client listener is SASL_SSL with SCRAM-SHA-512 */
    public static LocalStack start(Path dataDir, int kafkaPort, int controllerPort, int registryPort, BrokerSecurity security) {
        Path dir = dataDir.toAbsolutePath();
        CompletableFuture<RegistryProcess> registry = CompletableFuture.supplyAsync(
                () -> RegistryProcess.start(dir, registryPort, START_TIMEOUT));
        KafkaBrokerProcess broker;
        try {
            broker = KafkaBrokerProcess.start(dir, kafkaPort, controllerPort, START_TIMEOUT, security);
        } catch (RuntimeException e) {
            try {
                registry.join().close();
            } catch (CompletionException registryFailedToo) {
                e.addSuppressed(registryFailedToo.getCause());
            }
            throw e;
        }
        try {
            return new LocalStack(broker, registry.join());
        } catch (CompletionException e) {
            broker.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** True when a broker and a registry already answer on the default addresses. */
    public static boolean defaultStackRunning() {
        return Ports.isListening("127.0.0.1", DEFAULT_KAFKA_PORT) && RegistryProcess.answers(DEFAULT_REGISTRY_URL);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The broker's loopback PLAINTEXT listener; with {@link BrokerSecurity#withAcls()} its clients are super users. */
    public String plaintextBootstrapServers() {
        return broker.plaintextBootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
