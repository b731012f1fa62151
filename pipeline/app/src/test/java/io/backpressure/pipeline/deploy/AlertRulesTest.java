package io.backpressure.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus alert rules: each one is complete and points at a runbook row that exists, Prometheus's own
 * promtool accepts the file, and its unit tests (deploy/prometheus/alerts-test.yml: each alert fires on the series
 * that should raise it, and not before its {@code for}) pass. That every metric they name is one the app exports is
 * checked against a real scrape in {@code ObservabilityIT}.
 */
class AlertRulesTest {
    private static final Path ROOT = Path.of("..", "..");
    private static final Path RULES = ROOT.resolve("deploy/prometheus/alerts.yml");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void everyRuleIsCompleteAndNamesARunbookRowThatExists() throws IOException {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).path("groups").path(0).path("rules");
        assertTrue(rules.size() >= 6, "the six alerts the runbook maps: " + rules);
        String readme = Files.readString(ROOT.resolve("README.md"));
        String runbook = readme.substring(readme.indexOf("## When something goes wrong"));
        runbook = runbook.substring(0, runbook.indexOf("\n## ", 1));
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertTrue(name.startsWith("Pipeline"), "alert name: " + rule);
            assertFalse(rule.path("expr").asText().isBlank(), name);
            assertTrue(List.of("page", "warn").contains(rule.path("labels").path("severity").asText()), name + " has a severity");
            assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name + " has a summary");
            assertEquals("README, When something goes wrong, " + name, rule.path("annotations").path("runbook").asText(), name);
            assertTrue(runbook.lines().anyMatch(line -> line.startsWith("| ") && line.contains("`" + name + "`")),
                    "a row of the runbook's table names " + name);
        }
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        requirePromtool();
        assertPromtool("check", "rules", "alerts.yml");
        assertPromtool("test", "rules", "alerts-test.yml");
    }

    private static void assertPromtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(RULES.getParent().toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool " + String.join(" ", args) + " finished");
        assertEquals(0, process.exitValue(), "promtool " + String.join(" ", args) + ":\n" + output);
    }

    private static void requirePromtool() {
        if (!Files.isExecutable(PROMTOOL)) {
            String message = "needs Debian's prometheus package for " + PROMTOOL + ": install it with apt-get install prometheus";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI must install it (see .ci/run): " + message);
            }
            System.out.println("AlertRulesTest skipped: " + message);
            Assumptions.abort(message);
        }
    }
}
