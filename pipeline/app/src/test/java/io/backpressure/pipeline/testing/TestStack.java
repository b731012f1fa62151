package io.backpressure.pipeline.testing;

import io.backpressure.pipeline.broker.LocalStack;
import io.backpressure.pipeline.broker.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The real broker and registry shared by every integration test in one JVM, started once and stopped when the JVM
 * exits. The same test classes run on either of two stacks, chosen by {@code PIPELINE_IT_MODE}:
 * <ul>
 *   <li>{@code embedded}: a Kafka broker and an Apicurio registry in child JVMs on free loopback ports (so a developer's
 *   own local stack on the default ports is never touched);</li>
 *   <li>{@code testcontainers}: Apache Kafka and Confluent Schema Registry containers;</li>
 *   <li>{@code auto} (the default): containers when a Docker engine answers, embedded otherwise.</li>
 * </ul>
 * Set {@code PIPELINE_IT_BOOTSTRAP} and {@code PIPELINE_IT_REGISTRY} instead to use a stack you started yourself.
 */
public final class TestStack {
    static final String KAFKA_IMAGE = "apache/kafka:4.4.0";
    static final String REGISTRY_IMAGE = "confluentinc/cp-schema-registry:7.9.2";
    private static TestStack instance;

    private final String bootstrapServers;
    private final String registryUrl;
    private final String mode;

    private TestStack(String bootstrapServers, String registryUrl, String mode) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.mode = mode;
    }

    public static synchronized TestStack get() {
        if (instance == null) {
            instance = create();
            System.out.println("integration tests run on the " + instance.mode + " stack: " + instance.bootstrapServers + ", "
                    + instance.registryUrl);
        }
        return instance;
    }

    private static TestStack create() {
        String bootstrap = System.getenv("PIPELINE_IT_BOOTSTRAP");
        String registry = System.getenv("PIPELINE_IT_REGISTRY");
        if (bootstrap != null && registry != null) {
            return new TestStack(bootstrap, registry, "external");
        }
        String mode = System.getenv().getOrDefault("PIPELINE_IT_MODE", "auto").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "embedded" -> embedded();
            case "testcontainers" -> containers();
            case "auto" -> dockerAvailable() ? containers() : embedded();
            default -> throw new IllegalArgumentException("PIPELINE_IT_MODE must be embedded, testcontainers or auto, was " + mode);
        };
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static TestStack embedded() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "it-stack-");
            LocalStack stack = LocalStack.start(dir, Ports.ephemeral(), Ports.ephemeral(), Ports.ephemeral());
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "test-stack-stop"));
            return new TestStack(stack.bootstrapServers(), stack.registryUrl(), "embedded");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("resource")
    private static TestStack containers() {
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE).withNetwork(network).withNetworkAliases("kafka")
                .withListener("kafka:19092");
        kafka.start();
        GenericContainer<?> registry = new GenericContainer<>(REGISTRY_IMAGE).withNetwork(network)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .withExposedPorts(8081)
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        registry.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.stop();
            kafka.stop();
            network.close();
        }, "test-containers-stop"));
        return new TestStack(kafka.getBootstrapServers(), "http://" + registry.getHost() + ":" + registry.getMappedPort(8081),
                "testcontainers");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }
}
