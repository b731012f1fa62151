package io.backpressure.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.backpressure.pipeline.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Validates docker-compose.yml without Docker: structure, pinned images, the app's settings and the files it mounts. */
class ComposeFileTest {
    private static final Path ROOT = Path.of("..", "..");
    private static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        services = compose.get("services");
        assertTrue(services != null && services.size() > 0, "compose file has services");
    }

    @Test
    void everyDependencyIsAServiceInTheFile() {
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode deps = service.getValue().get("depends_on");
            if (deps == null) {
                continue;
            }
            Iterator<String> names = deps.isArray() ? textValues(deps) : deps.fieldNames();
            names.forEachRemaining(dep -> assertTrue(services.has(dep), service.getKey() + " depends on unknown service " + dep));
        }
    }

    @Test
    void everyImageIsPinnedToAVersion() {
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode image = service.getValue().get("image");
            assertTrue(image != null || service.getValue().has("build"), service.getKey() + " has an image or a build");
            if (image != null && !service.getValue().has("build") && !image.asText().endsWith(":local")) {
                String ref = image.asText();
                assertTrue(ref.contains(":") && !ref.endsWith(":latest"), service.getKey() + " image not pinned: " + ref);
            }
        }
    }

    @Test
    void appEnvironmentUsesOnlySettingsTheAppAccepts() {
        Set<String> accepted = new HashSet<>();
        Setting.ALL.forEach(s -> accepted.add(s.envName()));
        for (String name : new String[] {"pipeline", "producer"}) {
            services.get(name).get("environment").fieldNames().forEachRemaining(env ->
                    assertTrue(accepted.contains(env), name + " sets " + env + ", which the app does not read"));
        }
        JsonNode env = services.get("pipeline").get("environment");
        assertEquals("kafka:9092", env.get("PIPELINE_BOOTSTRAP_SERVERS").asText(), "the app reaches Kafka by service name");
        assertTrue(env.get("PIPELINE_SCHEMA_REGISTRY_URL").asText().startsWith("http://schema-registry:"), "registry by service name");
    }

    @Test
    void mountedFilesExistAndPrometheusScrapesTheAppsPort() throws IOException {
        for (String name : new String[] {"prometheus", "grafana"}) {
            for (JsonNode volume : services.get(name).get("volumes")) {
                String host = volume.asText().split(":")[0];
                assertTrue(Files.exists(ROOT.resolve(host)), name + " mounts missing " + host);
            }
        }
        String scrape = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        String port = services.get("pipeline").get("environment").get("PIPELINE_HTTP_PORT").asText();
        assertTrue(scrape.contains("pipeline:" + port), "Prometheus scrapes pipeline:" + port);
        assertTrue(scrape.contains("rule_files:\n  - /etc/prometheus/alerts.yml"), "Prometheus loads the alert rules");
        assertTrue(services.get("prometheus").get("volumes").toString().contains("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml"),
                "the compose stack mounts the alert rules where prometheus.yml reads them");
    }

    /**
     * The dashboard works for a fleet: datasource, application and instance variables, every query filtered by both and
     * aggregated (lag summed, which is right only because each partition is exported once), one unit per panel.
     */
    @Test
    void theDashboardAggregatesOverInstancesWithOneUnitPerPanel() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana/dashboards/pipeline.json").toFile());
        Set<String> variables = new HashSet<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(Set.of("datasource", "application", "instance"), variables);
        assertFalse(dashboard.get("panels").isEmpty(), "dashboard has panels");
        String all = dashboard.get("panels").toString();
        assertTrue(all.contains("pipeline_streams_state") && all.contains("pipeline_window_limit"),
                "a Streams state panel and the window limit");
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.path("title").asText();
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title);
            assertFalse(panel.path("fieldConfig").path("defaults").path("unit").asText().isBlank(), title + " has a unit");
            assertTrue(panel.path("fieldConfig").path("overrides").isEmpty(), title + ": one unit for the whole panel");
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                assertTrue(expr.contains("pipeline_"), "panel queries pipeline metrics: " + expr);
                assertTrue(expr.contains("application=~\"$application\"") && expr.contains("instance=~\"$instance\""),
                        title + " filters by application and instance: " + expr);
                assertTrue(expr.matches("^(sum|max|histogram_quantile)\\b.*"), title + " aggregates over instances: " + expr);
                if (expr.contains("pipeline_consumer_lag_records")) {
                    assertTrue(expr.startsWith("sum by"), "lag in records adds up over instances: " + expr);
                }
            }
        }
    }

    @Test
    void onlyUserFacingPortsArePublishedAndOnlyOnLoopback() {
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode ports = service.getValue().get("ports");
            if (ports != null) {
                for (JsonNode port : ports) {
                    assertTrue(port.asText().startsWith("127.0.0.1:"), service.getKey() + " publishes beyond loopback: " + port.asText());
                }
            }
        }
        assertFalse(services.get("kafka").has("ports"), "Kafka needs no published port: clients use the service name");
    }

    private static Iterator<String> textValues(JsonNode array) {
        java.util.List<String> values = new java.util.ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values.iterator();
    }
}
