package io.backpressure.pipeline.cli;

import static io.backpressure.pipeline.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Help and version on every command, as command-line tools conventionally offer them; durations as durations. */
class CliConventionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"local", "demo", "run", "produce", "lag", "replay", "bench", "simulate", "config", "doctor", "simulate backoff",
            "simulate overload"})
    void everyCommandAnswersHelpAndDashHWithItsUsageAndExit0(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            String[] args = (command + " " + flag).split(" ");
            String[] result = run(args);
            assertEquals("0", result[0], command + " " + flag + ": " + result[2]);
            assertTrue(result[1].startsWith("Usage: pipeline " + command), command + " " + flag + " printed:\n" + result[1]);
            assertTrue(result[1].contains("Exit codes:") && result[1].contains("2   usage or configuration error"),
                    command + " " + flag + " documents the exit codes:\n" + result[1]);
        }
    }

    @Test
    void versionIsTheBuiltOneOnEveryCommand() {
        String[] top = run("--version");
        assertEquals("0", top[0], top[2]);
        assertTrue(top[1].matches("(?s)backpressure pipeline \\d+\\.\\d+\\.\\d+[^\\s]*\\R.*"), top[1]);
        assertEquals(top[1], run("run", "--version")[1]);
    }

    @Test
    void demoTakesItsTimeoutAsADurationAndRefusesABadOneBeforeStartingAnything() {
        String[] result = run("demo", "--timeout", "soon");
        assertEquals("2", result[0]);
        assertEquals("error: --timeout must be a duration such as 250ms, 5s, 2m or PT1S, was 'soon'", result[2].strip());
    }

    @Test
    void exitCodesTellAUsageErrorFromAFailureAtRunTime() {
        CommandLine cli = PipelineCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        OneLineErrors errors = new OneLineErrors();
        assertEquals(2, errors.handleExecutionException(new IllegalArgumentException("--rate must be >= 0"), cli, null));
        assertEquals(1, errors.handleExecutionException(new IllegalStateException("topic work-requests does not exist"), cli, null));
        assertEquals("error: --rate must be >= 0\nerror: topic work-requests does not exist", err.toString().strip().replace("\r", ""));
        // A contradiction between settings is found at run time of the loader, but it is a configuration error.
        String[] twice = run("config", "--set", "pipeline.window.capacity=10", "--set", "pipeline.window.limit.min=20",
                "--set", "pipeline.window.limit.initial=30");
        assertEquals("2", twice[0], twice[2]);
        String[] unknownOption = run("lag", "--no-such-flag");
        assertEquals("2", unknownOption[0]);
    }

    @Test
    void configPrintsItsSettingsAsJson() throws Exception {
        String[] result = run("config", "--json", "--set", "pipeline.window.capacity=7");
        assertEquals("0", result[0], result[2]);
        JsonNode doc = new ObjectMapper().readTree(result[1]);
        assertTrue(doc.get("valid").asBoolean());
        JsonNode capacity = null;
        for (JsonNode setting : doc.get("settings")) {
            if (setting.get("name").asText().equals("pipeline.window.capacity")) {
                capacity = setting;
            }
        }
        assertEquals("7", capacity.get("value").asText(), doc.toString());
        assertEquals("flag", capacity.get("source").asText());
        assertEquals("PIPELINE_WINDOW_CAPACITY", capacity.get("env").asText());
    }

    @Test
    void replayWithoutAReasonIsAUsageErrorUnlessItIsADryRun() {
        String[] result = run("replay");
        assertEquals("2", result[0], result[1] + result[2]);
        assertTrue(result[2].contains("--reason is required to replay: name the reasons whose cause is fixed"), result[2]);
    }
}
