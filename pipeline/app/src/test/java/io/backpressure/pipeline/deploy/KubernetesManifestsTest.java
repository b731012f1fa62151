package io.backpressure.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Validates deploy/kubernetes without a cluster: the kinds, the settings they pass, probes, ports and the grace period. */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("..", "..", "deploy", "kubernetes");
    private static final Map<String, JsonNode> BY_KIND = new HashMap<>();

    @BeforeAll
    static void parse() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                JsonNode doc = yaml.readTree(file.toFile());
                assertNotNull(doc.get("kind"), file + " has a kind");
                BY_KIND.put(doc.get("kind").asText(), doc);
            }
        }
        assertEquals(Set.of("StatefulSet", "Service", "PodDisruptionBudget", "ConfigMap", "Secret"), BY_KIND.keySet());
    }

    private static Map<String, String> settings(String kind, String field) {
        Map<String, String> values = new HashMap<>();
        BY_KIND.get(kind).get(field).fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    private static JsonNode container() {
        return BY_KIND.get("StatefulSet").at("/spec/template/spec/containers/0");
    }

    @Test
    void everySettingPassedIsOneTheAppReadsAndTogetherTheyLoad() {
        Set<String> known = Setting.ALL.stream().map(Setting::envName).collect(Collectors.toSet());
        Map<String, String> env = new HashMap<>(settings("ConfigMap", "data"));
        env.putAll(settings("Secret", "stringData"));
        env.keySet().forEach(name -> assertTrue(known.contains(name), name + " is not a setting the app reads"));
        PipelineConfig config = new ConfigLoader().environment(env).load();
        assertEquals("0.0.0.0", config.observability().httpHost(), "probes reach the app from outside the pod");
        Set<String> sources = container().get("envFrom").findValuesAsText("name").stream().collect(Collectors.toSet());
        assertEquals(Set.of("backpressure-pipeline"), sources);
    }

    @Test
    void noSecretLivesInTheConfigMap() {
        settings("ConfigMap", "data").forEach((name, value) -> {
            assertFalse(name.matches(".*(PASSWORD|SECRET|TOKEN|JAAS|USER_INFO|SCHEMA_REGISTRY_URL).*"), name + " belongs in the Secret");
            assertFalse(value.matches(".*://[^/]*@.*"), name + " carries credentials in a URL");
        });
    }

    @Test
    void probesAndPortsMatchTheAppsEndpoints() {
        Map<String, String> config = settings("ConfigMap", "data");
        int port = Integer.parseInt(config.get("PIPELINE_HTTP_PORT"));
        assertEquals(Setting.named("pipeline.http.port").defaultValue(), Integer.toString(port));
        assertEquals(port, container().at("/ports/0/containerPort").asInt());
        assertEquals("http", container().at("/ports/0/name").asText());
        assertEquals("/health/live", container().at("/livenessProbe/httpGet/path").asText());
        assertEquals("/health/ready", container().at("/readinessProbe/httpGet/path").asText());
        assertEquals("http", container().at("/livenessProbe/httpGet/port").asText());
        assertEquals("http", BY_KIND.get("Service").at("/spec/ports/0/targetPort").asText());
        assertEquals("None", BY_KIND.get("Service").at("/spec/clusterIP").asText(), "headless");
        JsonNode annotations = BY_KIND.get("StatefulSet").at("/spec/template/metadata/annotations");
        assertEquals(Integer.toString(port), annotations.get("prometheus.io/port").asText());
        assertEquals("/metrics", annotations.get("prometheus.io/path").asText());
    }

    @Test
    void theGracePeriodOutlastsTheDrainAndStateLivesOnTheVolume() {
        Map<String, String> config = settings("ConfigMap", "data");
        long grace = Durations.parse("PIPELINE_SHUTDOWN_GRACE", config.get("PIPELINE_SHUTDOWN_GRACE")).toSeconds();
        long podGrace = BY_KIND.get("StatefulSet").at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertTrue(podGrace > grace, "terminationGracePeriodSeconds " + podGrace + " must exceed the shutdown grace " + grace);
        String mount = container().at("/volumeMounts/0/mountPath").asText();
        assertTrue(config.get("PIPELINE_STATE_DIR").startsWith(mount + "/"), "the state directory is on the volume");
        assertEquals(container().at("/volumeMounts/0/name").asText(),
                BY_KIND.get("StatefulSet").at("/spec/volumeClaimTemplates/0/metadata/name").asText());
        assertEquals("hostname", config.get("PIPELINE_INSTANCE_ID"), "a pod's stable name is its static membership id");
    }

    @Test
    void everySelectorMatchesThePodsLabels() {
        JsonNode labels = BY_KIND.get("StatefulSet").at("/spec/template/metadata/labels");
        assertEquals(labels, BY_KIND.get("StatefulSet").at("/spec/selector/matchLabels"));
        assertEquals(labels, BY_KIND.get("PodDisruptionBudget").at("/spec/selector/matchLabels"));
        assertEquals(labels, BY_KIND.get("Service").at("/spec/selector"));
        assertEquals(1, BY_KIND.get("PodDisruptionBudget").at("/spec/maxUnavailable").asInt());
    }
}
