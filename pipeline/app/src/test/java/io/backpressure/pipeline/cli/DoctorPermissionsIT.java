package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.broker.BrokerSecurity;
import io.backpressure.pipeline.broker.LocalStack;
import io.backpressure.pipeline.broker.Ports;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.testing.ItConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor} against a SASL_SSL broker that authorizes: with no ACLs for the app's user each missing permission is
 * a finding naming what to grant; once the README's ACLs are granted, the same deployment is sound.
 */
class DoctorPermissionsIT {
    private static LocalStack stack;
    private static BrokerSecurity security;

    @BeforeAll
    static void startAuthorizingStack() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "acls-");
        security = BrokerSecurity.in(dir.resolve("tls")).withAcls();
        stack = LocalStack.start(dir, Ports.ephemeral(), Ports.ephemeral(), Ports.ephemeral(), security);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void eachMissingPermissionIsAFindingUntilGranted() throws Exception {
        ConfigLoader settings = ItConfig.forTest("acl").set("pipeline.schema-registry.url", stack.registryUrl())
                .set("pipeline.processing-guarantee", "exactly_once_v2");
        security.clientSettings(stack.bootstrapServers()).forEach(settings::set);
        PipelineConfig config = settings.load();
        List<String> topics = new ArrayList<>(List.of(config.topics().input(), config.topics().results(), config.topics().dropped()));
        topics.addAll(config.delayTopics());
        String app = config.kafka().applicationId();
        try (Admin superUser = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.plaintextBootstrapServers()))) {
            superUser.createTopics(topics.stream().map(t -> new NewTopic(t, 4, (short) 1)).toList()).all().get();

            String[] denied = doctor(settings);
            assertEquals("1", denied[0], denied[1] + denied[2]);
            String out = denied[1];
            assertTrue(out.contains("FAIL  topic " + config.topics().input() + ": the app's principal may not use it: grant READ on topic"), out);
            assertTrue(out.contains("FAIL  topic " + config.topics().results() + ": the app's principal may not use it: grant WRITE on topic"), out);
            assertTrue(out.contains("FAIL  topic " + config.delayTopics().get(0) + ": the app's principal may not use it: grant READ and WRITE"), out);
            assertTrue(out.contains("FAIL  group " + app + ": the app's principal may not use it: grant READ on group " + app), out);
            assertTrue(out.contains("FAIL  transactional ids " + app + "-*: exactly_once_v2 needs WRITE on transactional ids with prefix " + app),
                    out);
            assertTrue(out.contains("WARN  clock: not checked: reading the cluster's time needs DESCRIBE on the cluster"), out);

            // Only READ on the input where the app also needs its delay topics written: still one finding.
            List<AclBinding> grants = new ArrayList<>();
            grants.add(allow(ResourceType.TOPIC, config.topics().input(), PatternType.LITERAL, AclOperation.READ));
            grants.add(allow(ResourceType.TOPIC, config.topics().results(), PatternType.LITERAL, AclOperation.WRITE));
            grants.add(allow(ResourceType.TOPIC, config.topics().dropped(), PatternType.LITERAL, AclOperation.WRITE));
            for (String delay : config.delayTopics()) {
                grants.add(allow(ResourceType.TOPIC, delay, PatternType.LITERAL, AclOperation.READ));
            }
            grants.add(allow(ResourceType.GROUP, app, PatternType.LITERAL, AclOperation.READ));
            grants.add(allow(ResourceType.TRANSACTIONAL_ID, app, PatternType.PREFIXED, AclOperation.WRITE));
            grants.add(allow(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE));
            superUser.createAcls(grants).all().get();
            String[] partly = doctorUntil(settings, r -> !r[1].contains("FAIL  group "));
            assertEquals("1", partly[0], partly[1]);
            assertTrue(partly[1].contains("FAIL  topic " + config.delayTopics().get(0) + ": the app's principal may not READ and WRITE it"),
                    partly[1]);

            superUser.createAcls(config.delayTopics().stream()
                    .map(delay -> allow(ResourceType.TOPIC, delay, PatternType.LITERAL, AclOperation.WRITE)).toList()).all().get();
            String[] granted = doctorUntil(settings, r -> r[0].equals("0"));
            assertEquals("0", granted[0], granted[1]);
            assertTrue(granted[1].contains("OK    group " + app) && granted[1].contains("OK    transactional ids " + app + "-*")
                    && granted[1].contains("OK    clock: this host is "), granted[1]);
        }
    }

    /** ACLs reach the broker's authorizer through the metadata log, a moment after createAcls returns: asks again, at most 20 times. */
    private static String[] doctorUntil(ConfigLoader settings, Predicate<String[]> done) {
        String[] result = doctor(settings);
        for (int i = 0; i < 20 && !done.test(result); i++) {
            result = doctor(settings);
        }
        return result;
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + BrokerSecurity.CLIENT_USER, "*", operation, AclPermissionType.ALLOW));
    }

    private static String[] doctor(ConfigLoader settings) {
        List<String> command = new ArrayList<>(List.of("doctor", "--timeout", "10s"));
        command.addAll(CliRun.settingsOf(settings));
        return CliRun.run(command.toArray(String[]::new));
    }
}
