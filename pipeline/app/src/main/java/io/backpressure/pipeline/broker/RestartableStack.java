package io.backpressure.pipeline.broker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A broker and a registry of one's own, on free loopback ports, each of which can be stopped and started again on
 * the same data and port: what a fault test or the chaos benchmark needs, since they stop them.
 */
public final class RestartableStack implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int kafkaPort = Ports.ephemeral();
    private final int controllerPort = Ports.ephemeral();
    private final int registryPort = Ports.ephemeral();
    private KafkaBrokerProcess broker;
    private RegistryProcess registry;

    public RestartableStack(Path dir) {
        this.dir = dir;
        startBroker();
        try {
            startRegistry();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public void startBroker() {
        broker = KafkaBrokerProcess.start(dir, kafkaPort, controllerPort, START_TIMEOUT);
    }

    /** A graceful stop (SIGTERM); the data stays for the next start. */
    public void stopBroker() {
        broker.close();
    }

    public void startRegistry() {
        registry = RegistryProcess.start(dir, registryPort, START_TIMEOUT);
    }

    public void stopRegistry() {
        registry.close();
    }

    /** Stable across restarts. */
    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** Stable across restarts. */
    public String registryUrl() {
        return RegistryProcess.urlFor(registryPort);
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
