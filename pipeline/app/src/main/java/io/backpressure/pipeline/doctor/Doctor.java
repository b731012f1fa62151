package io.backpressure.pipeline.doctor;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.serde.RegistryErrorException;
import io.backpressure.pipeline.serde.SchemaRegistry;
import io.backpressure.pipeline.serde.SerdeException;
import io.backpressure.pipeline.serde.internal.Registries;
import io.backpressure.pipeline.serde.internal.SerdeConfig;
import io.backpressure.schemas.WorkResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks a deployment against its configuration, reading only: the broker and the registry answer with the configured
 * security, the topics exist with the configured partition count (or will be created), the app may read and write
 * them where the broker says so, and the state directory has room. The configuration itself was checked when it was
 * loaded: a contradiction never gets this far.
 */
public final class Doctor {
    /** Below this, a state directory is a finding: RocksDB compactions need room beside the stores. */
    static final long MIN_FREE_STATE_BYTES = 1L << 30;

    private final PipelineConfig config;
    private final Duration timeout;

    public Doctor(PipelineConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
    }

    public List<Finding> examine() {
        List<Finding> findings = new ArrayList<>();
        Map<String, Object> admin = config.kafka().clients().admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()));
        try (Admin kafka = Admin.create(admin)) {
            if (broker(kafka, findings)) {
                topics(kafka, findings);
            }
        }
        registry(findings);
        stateDirectory(findings);
        return findings;
    }

    private boolean broker(Admin kafka, List<Finding> findings) {
        String where = config.kafka().bootstrapServers() + " (pipeline.bootstrap-servers)";
        try {
            int brokers = kafka.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            findings.add(Finding.ok("broker", where + " answers: " + brokers + " broker(s), security "
                    + config.kafka().clients().admin(Map.of()).getOrDefault("security.protocol", "PLAINTEXT")));
            return true;
        } catch (TimeoutException e) {
            findings.add(Finding.fail("broker", where + " did not answer within " + timeout.toSeconds()
                    + " s: is it running, and are kafka.security.protocol and its settings right?"));
        } catch (ExecutionException e) {
            findings.add(Finding.fail("broker", where + " refused: " + e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            findings.add(Finding.fail("broker", "interrupted"));
        }
        return false;
    }

    private void topics(Admin kafka, List<Finding> findings) {
        List<String> names = new ArrayList<>(List.of(config.topics().input(), config.topics().results(), config.topics().dropped()));
        names.addAll(config.delayTopics());
        int expected = config.topics().partitions();
        for (String name : names) {
            String check = "topic " + name;
            try {
                TopicDescription topic = kafka.describeTopics(List.of(name), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                        .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(name);
                int actual = topic.partitions().size();
                if (actual != expected) {
                    findings.add(Finding.fail(check, "has " + actual + " partitions but pipeline.topics.partitions is " + expected
                            + ": set pipeline.topics.partitions=" + actual + " or use other topic names"));
                    continue;
                }
                Set<AclOperation> allowed = topic.authorizedOperations();
                AclOperation needed = name.equals(config.topics().input()) ? AclOperation.READ : AclOperation.WRITE;
                if (allowed != null && !allowed.contains(needed) && !allowed.contains(AclOperation.ALL)) {
                    findings.add(Finding.fail(check, "the app's principal may not " + needed + " it (allowed: " + allowed
                            + "); see the ACLs under Production and security in the README"));
                    continue;
                }
                findings.add(Finding.ok(check, actual + " partitions"));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    findings.add(config.topics().create()
                            ? Finding.warn(check, "missing; run creates it with " + expected + " partitions (pipeline.topics.create=true)")
                            : Finding.fail(check, "missing and pipeline.topics.create=false: create it with " + expected + " partitions"));
                } else {
                    findings.add(Finding.fail(check, "could not be described: " + e.getCause().getMessage()));
                }
            } catch (TimeoutException e) {
                findings.add(Finding.fail(check, "no answer within " + timeout.toSeconds() + " s"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                findings.add(Finding.fail(check, "interrupted"));
                return;
            }
        }
    }

    /** Reachable with the configured credentials, and whether the result schema is registered: a lookup, which never registers. */
    private void registry(List<Finding> findings) {
        String url = config.kafka().schemaRegistryUrl();
        String subject = config.topics().results() + "-value";
        SchemaRegistry registry = Registries.open(SerdeConfig.parse(config.kafka().clients().serde(url,
                Map.of("schema.registry.request.timeout.ms", timeout.toMillis()))));
        try {
            int id = registry.lookup(subject, WorkResult.getClassSchema());
            findings.add(Finding.ok("registry", url + " answers; the result schema is registered under " + subject + " as id " + id));
        } catch (SerdeException e) {
            if (e instanceof RegistryErrorException error && (error.errorCode() == RegistryErrorException.SUBJECT_NOT_FOUND
                    || error.errorCode() == RegistryErrorException.SCHEMA_NOT_FOUND)) {
                findings.add(Finding.ok("registry", url + " answers; the result schema is not under " + subject
                        + " yet, run registers it"));
            } else {
                findings.add(Finding.fail("registry", url + " (pipeline.schema-registry.url): " + e.getMessage()));
            }
        }
    }

    private void stateDirectory(List<Finding> findings) {
        Path dir = Path.of(config.kafka().stateDir()).toAbsolutePath();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            if (existing == null || !Files.isWritable(existing)) {
                findings.add(Finding.fail("state directory", dir + " (pipeline.state-dir) cannot be created or written"));
                return;
            }
            long free = Files.getFileStore(existing).getUsableSpace();
            String detail = dir + ": " + (free >> 20) + " MiB free";
            findings.add(free < MIN_FREE_STATE_BYTES ? Finding.warn("state directory", detail + "; keep at least 1 GiB for the stores")
                    : Finding.ok("state directory", detail));
        } catch (IOException e) {
            findings.add(Finding.warn("state directory", dir + ": free space unknown (" + e.getMessage() + ")"));
        }
    }
}
