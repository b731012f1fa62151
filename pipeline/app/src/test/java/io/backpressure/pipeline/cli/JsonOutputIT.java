package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backpressure.pipeline.config.ConfigLoader;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.testing.ItConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --json} on the commands that take it: one JSON document on standard output, human progress on standard error. */
class JsonOutputIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void produceReplayAndDemoPrintOneJsonDocument() throws Exception {
        ConfigLoader settings = ItConfig.forTest("json").set("pipeline.handler.simulated.failure-rate", "0");
        ItConfig.createTopics(settings.load());

        JsonNode produced = single(command(settings, "produce", "-n", "20", "--id-prefix", "js", "--json"));
        assertEquals(20, produced.get("sent").asLong());
        assertEquals("js-0", produced.get("firstId").asText());
        assertEquals("js-19", produced.get("lastId").asText());

        JsonNode survey = single(command(settings, "replay", "--dry-run", "--json"));
        assertTrue(survey.get("dryRun").asBoolean());
        assertEquals(0, survey.get("matching").asLong());
        assertEquals(DropReason.values().length, survey.get("reasons").size(), survey.toString());

        String[] demo = command(settings, "demo", "-n", "300", "--json");
        JsonNode summary = single(demo);
        assertEquals(300, summary.get("produced").asLong(), summary.toString());
        assertEquals(0, summary.get("missing").asLong(), summary.toString());
        assertEquals(300, summary.get("results").asLong() + summary.get("dropped").asLong(), summary.toString());
        assertTrue(demo[2].contains("accounted for 300 of 300 requests"), "progress on standard error:\n" + demo[2]);
        assertTrue(demo[2].contains("lag 0 on "), "the committed offsets caught up with the input:\n" + demo[2]);
    }

    private static String[] command(ConfigLoader settings, String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(CliRun.settingsOf(settings));
        String[] result = CliRun.run(command.toArray(String[]::new));
        assertEquals("0", result[0], String.join(" ", args) + ":\n" + result[1] + result[2]);
        return result;
    }

    /** Standard output is exactly one line, a JSON object. */
    private static JsonNode single(String[] result) throws Exception {
        List<String> lines = result[1].lines().toList();
        assertEquals(1, lines.size(), "one line on standard output:\n" + result[1]);
        JsonNode doc = JSON.readTree(lines.get(0));
        assertTrue(doc.isObject(), lines.get(0));
        return doc;
    }
}
