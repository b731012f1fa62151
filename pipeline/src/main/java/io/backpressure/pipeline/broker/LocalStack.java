package io.backpressure.pipeline.broker;

import java.nio.file.Path;
import java.time.Duration;

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

    public static LocalStack start(Path dataDir, int kafkaPort, int controllerPort, int registryPort) {
        KafkaBrokerProcess broker = KafkaBrokerProcess.start(dataDir, kafkaPort, controllerPort, START_TIMEOUT);
        try {
            return new LocalStack(broker, RegistryProcess.start(dataDir, registryPort, START_TIMEOUT));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** True when a broker and a registry already answer on the default addresses. */
    public static boolean defaultStackRunning() {
        return Ports.isListening("127.0.0.1", DEFAULT_KAFKA_PORT) && RegistryProcess.answers(DEFAULT_REGISTRY_URL);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public KafkaBrokerProcess broker() {
        return broker;
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
