package io.backpressure.pipeline.doctor;

import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.config.ProcessingGuarantee;
import io.backpressure.pipeline.serde.RegistryErrorException;
import io.backpressure.pipeline.serde.SchemaRegistry;
import io.backpressure.pipeline.serde.SerdeException;
import io.backpressure.pipeline.serde.internal.Registries;
import io.backpressure.pipeline.serde.internal.SerdeConfig;
import io.backpressure.schemas.WorkResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks a deployment against its configuration, reading only: the broker and the registry answer with the configured
 * security, the topics exist with the configured partition count (or will be created), the app may read and write
 * them, use its consumer group and its transactional ids where the broker says so, the result schema is one the
 * registry accepts, this host's clock agrees with the cluster's, and the state directory has room. The configuration itself was checked when it was
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
                KafkaPermissions permissions = new KafkaPermissions(kafka, config, timeout);
                findings.add(permissions.group());
                if (config.kafka().guarantee() == ProcessingGuarantee.EXACTLY_ONCE_V2) {
                    findings.add(permissions.transactionalIds());
                }
                findings.add(new ClockSkew(kafka, timeout, Clock.systemUTC()).check());
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
            // The admin client's own API timeout, the same bound, may fire first.
            findings.add(Finding.fail("broker", e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                    ? where + " did not answer within " + timeout.toSeconds() + " s: is it running, and are kafka.security.protocol and its"
                            + " settings right?"
                    : where + " refused: " + e.getCause().getMessage()));
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
                Set<AclOperation> needed = needed(name);
                if (allowed != null && !allowed.containsAll(needed) && !allowed.contains(AclOperation.ALL)) {
                    findings.add(Finding.fail(check, "the app's principal may not " + named(needed) + " it (allowed: " + named(allowed)
                            + "); see the ACLs under Production and security in the README"));
                    continue;
                }
                findings.add(Finding.ok(check, actual + " partitions"));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    findings.add(Finding.fail(check, "the app's principal may not use it: grant " + named(needed(name)) + " on topic " + name));
                } else if (e.getCause() instanceof UnknownTopicOrPartitionException) {
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

    /** The input is read, results and drops written, and the delay topics both. */
    private Set<AclOperation> needed(String topic) {
        if (topic.equals(config.topics().input())) {
            return Set.of(AclOperation.READ);
        }
        return config.delayTopics().contains(topic) ? Set.of(AclOperation.READ, AclOperation.WRITE) : Set.of(AclOperation.WRITE);
    }

    private static String named(Set<AclOperation> operations) {
        return operations.stream().map(Enum::name).sorted().collect(Collectors.joining(" and "));
    }

    /**
     * Reachable with the configured credentials, and whether the result schema is registered or would be accepted: a
     * lookup and a compatibility check, which never register.
     */
    private void registry(List<Finding> findings) {
        String url = config.kafka().schemaRegistryUrl();
        String subject = config.topics().results() + "-value";
        SchemaRegistry registry = Registries.open(SerdeConfig.parse(config.kafka().clients().serde(url,
                Map.of("schema.registry.request.timeout.ms", timeout.toMillis()))));
        try {
            int id = registry.lookup(subject, WorkResult.getClassSchema());
            findings.add(Finding.ok("registry", url + " answers; the result schema is registered under " + subject + " as id " + id));
        } catch (SerdeException e) {
            if (e instanceof RegistryErrorException error && error.errorCode() == RegistryErrorException.SUBJECT_NOT_FOUND) {
                findings.add(Finding.ok("registry", url + " answers; " + subject + " does not exist yet, run registers the result schema"));
            } else if (e instanceof RegistryErrorException error && error.errorCode() == RegistryErrorException.SCHEMA_NOT_FOUND) {
                findings.add(compatibility(registry, url, subject));
            } else {
                findings.add(Finding.fail("registry", url + " (pipeline.schema-registry.url): " + e.getMessage()));
            }
        }
    }

    /** The subject holds other schemas: whether the registry's compatibility rule lets run add this one. */
    private static Finding compatibility(SchemaRegistry registry, String url, String subject) {
        try {
            List<String> problems = registry.compatibility(subject, WorkResult.getClassSchema());
            return problems.isEmpty()
                    ? Finding.ok("registry", url + " answers; the result schema is new under " + subject
                            + " and compatible with its latest version, run registers it")
                    : Finding.fail("registry", "the result schema is not compatible with the latest version under " + subject
                            + " (the registry's compatibility rule): " + String.join("; ", problems)
                            + ". run would fail on its first result: write results to another topic (pipeline.topics.results)"
                            + " or change the subject's compatibility level");
        } catch (SerdeException e) {
            return Finding.warn("registry", url + " answers, but could not check the result schema's compatibility under "
                    + subject + ": " + e.getMessage());
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
