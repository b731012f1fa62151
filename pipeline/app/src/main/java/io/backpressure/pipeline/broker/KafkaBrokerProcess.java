package io.backpressure.pipeline.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker in KRaft combined mode (broker and controller), run in a child JVM from
 * this application's own classpath. Data survives restarts: the log directory is formatted only once.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final ChildProcess process;
    private final int port;
    /** Where readiness is checked: the client port, or a loopback PLAINTEXT listener of a secured broker. */
    private final int plainPort;

    private KafkaBrokerProcess(ChildProcess process, int port, int plainPort) {
        this.process = process;
        this.port = port;
        this.plainPort = plainPort;
    }

    public static KafkaBrokerProcess start(Path dataDir, int port, int controllerPort, Duration timeout) {
        return start(dataDir, port, controllerPort, timeout, null);
    }

    /**
     * @param security null for a PLAINTEXT listener; otherwise the client listener is SASL_SSL (SCRAM-SHA-512), and an
     *                 internal PLAINTEXT listener on another loopback port serves the broker itself
     */
    public static KafkaBrokerProcess start(Path dataDir, int port, int controllerPort, Duration timeout, BrokerSecurity security) {
        requireFree(port, "Kafka broker");
        requireFree(controllerPort, "Kafka controller");
        try {
            Path logDir = dataDir.resolve("kafka");
            Files.createDirectories(logDir);
            Path config = dataDir.resolve("server.properties");
            int plainPort = security == null ? port : Ports.ephemeral();
            writeConfig(config, logDir, port, controllerPort, plainPort, security);
            // Absolute, because the child runs in the data directory and the jar may have been started by a relative path.
            String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                    .map(entry -> Path.of(entry).toAbsolutePath().toString())
                    .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
            List<String> jvm = List.of("-Xms256m", "-Xmx1g", "-Dpipeline.log.level=WARN", "-cp", classpath);
            boolean reused = Files.exists(logDir.resolve("meta.properties"));
            if (!reused) {
                format(dataDir, jvm, config, security);
            }
            List<String> args = new java.util.ArrayList<>(jvm);
            args.addAll(List.of("kafka.Kafka", config.toString()));
            ChildProcess child = ChildProcess.startJava("Kafka broker", args, dataDir.resolve("kafka.log"), dataDir, Map.of());
            KafkaBrokerProcess broker = new KafkaBrokerProcess(child, port, plainPort);
            try {
                broker.awaitReady(timeout);
            } catch (LocalStackException e) {
                throw reused ? new LocalStackException(e.getMessage() + "; if " + logDir + " was written by another Kafka version"
                        + ", reset the local stack by deleting " + dataDir) : e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The loopback PLAINTEXT listener: the client listener itself unless the broker is secured. */
    public String plaintextBootstrapServers() {
        return HOST + ":" + plainPort;
    }

    private static void requireFree(int port, String what) {
        if (!Ports.isFree(HOST, port)) {
            throw new LocalStackException(what + " cannot start: port " + HOST + ":" + port
                    + " is already in use (another broker running? stop it or choose another port)");
        }
    }

    private static void writeConfig(Path config, Path logDir, int port, int controllerPort, int plainPort, BrokerSecurity security)
            throws IOException {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        if (security == null) {
            props.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            props.put("listeners", "SASL_SSL://" + HOST + ":" + port + ",PLAINTEXT://" + HOST + ":" + plainPort
                    + ",CONTROLLER://" + HOST + ":" + controllerPort);
            props.put("advertised.listeners", "SASL_SSL://" + HOST + ":" + port + ",PLAINTEXT://" + HOST + ":" + plainPort);
            props.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.putAll(security.brokerSettings());
        }
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("num.partitions", "1");
        // A single node: every internal topic must fit on one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Local use: no reason to wait 3 s before the first rebalance of a new group.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "Generated by the pipeline's local stack; rewritten on every start");
        }
    }

    private static void format(Path dataDir, List<String> jvm, Path config, BrokerSecurity security) throws IOException {
        List<String> args = new java.util.ArrayList<>(jvm);
        args.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
        if (security != null) {
            // SCRAM users live in the cluster metadata: a KRaft cluster gets its first ones when it is formatted.
            args.addAll(List.of("--add-scram", security.scramCredential()));
        }
        ChildProcess formatter = ChildProcess.startJava("Kafka storage format", args, dataDir.resolve("kafka-format.log"),
                dataDir, Map.of());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (formatter.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (formatter.isAlive()) {
                formatter.stop(Duration.ZERO);
                throw new LocalStackException("Kafka storage format did not finish within 60 s (log: " + formatter.log() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while formatting Kafka storage");
        }
        if (!Files.exists(dataDir.resolve("kafka").resolve("meta.properties"))) {
            throw new LocalStackException("Kafka storage format failed: " + formatter.lastLogLine());
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + plainPort,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new LocalStackException(process.describeExit());
            }
            if (Ports.isListening(HOST, plainPort)) {
                try (Admin admin = Admin.create(adminConfig)) {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // the socket accepts before the broker finishes starting; keep polling
                }
            }
            sleepQuietly(100);
        }
        process.stop(Duration.ofSeconds(5));
        throw new LocalStackException("Kafka broker did not become ready on " + bootstrapServers() + " within "
                + timeout.toSeconds() + " s: " + process.lastLogLine() + " (log: " + process.log() + ")");
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while waiting for the local stack");
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
