package io.backpressure.pipeline.testing;

import io.backpressure.pipeline.broker.LocalStack;
import io.backpressure.pipeline.broker.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real broker and registry shared by every integration test in one JVM: started once on free ports (so a
 * developer's own local stack on the default ports is never touched) and stopped when the JVM exits.
 * Set {@code PIPELINE_IT_BOOTSTRAP} and {@code PIPELINE_IT_REGISTRY} to run the tests against a stack you started.
 */
public final class TestStack {
    private static TestStack instance;

    private final String bootstrapServers;
    private final String registryUrl;
    private final LocalStack owned;

    private TestStack(String bootstrapServers, String registryUrl, LocalStack owned) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.owned = owned;
    }

    public static synchronized TestStack get() {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    private static TestStack create() {
        String bootstrap = System.getenv("PIPELINE_IT_BOOTSTRAP");
        String registry = System.getenv("PIPELINE_IT_REGISTRY");
        if (bootstrap != null && registry != null) {
            return new TestStack(bootstrap, registry, null);
        }
        try {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "it-stack-");
            LocalStack stack = LocalStack.start(dir, Ports.ephemeral(), Ports.ephemeral(), Ports.ephemeral());
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "test-stack-stop"));
            return new TestStack(stack.bootstrapServers(), stack.registryUrl(), stack);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** The broker's process id when the tests own it (for restart tests); -1 for an external stack. */
    public long brokerPid() {
        return owned == null ? -1 : owned.broker().pid();
    }
}
