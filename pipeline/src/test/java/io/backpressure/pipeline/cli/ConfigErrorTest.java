package io.backpressure.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A configuration mistake stops a command at start with one line naming the setting and the bad value. */
class ConfigErrorTest {

    private static String[] run(String... args) {
        CommandLine cli = PipelineCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void badValueFailsRunWithTheSettingNameAndExitCode2() {
        String[] result = run("run", "--set", "pipeline.window.capacity=0");
        assertEquals("2", result[0]);
        assertEquals("error: pipeline.window.capacity must be >= 1, was 0", result[2].strip());
    }

    @Test
    void unknownSettingFailsWithItsName() {
        String[] result = run("produce", "--set", "pipeline.windw.capacity=5");
        assertEquals("2", result[0]);
        assertEquals(true, result[2].startsWith("error: unknown setting pipeline.windw.capacity"), result[2]);
    }

    @Test
    void benchRefusesAPipelineSettingItWouldIgnoreAndNamesIt() {
        String[] result = run("bench", "littles-law", "--set", "kafka.num.stream.threads=2", "--set", "pipeline.window.capacity=500");
        assertEquals("2", result[0]);
        assertEquals(true, result[2].startsWith("error: bench: pipeline.window.capacity cannot be set"), result[2]);
        assertEquals(false, result[2].contains("kafka.num.stream.threads"), "kafka.* settings are allowed: " + result[2]);
    }

    @Test
    void benchNamesThePipelineSettingsFromFileOrEnvironmentThatItDoesNotUse() {
        ConfigLoader loader = new ConfigLoader()
                .environment(Map.of("PIPELINE_WINDOW_CAPACITY", "7", "PIPELINE_BOOTSTRAP_SERVERS", "127.0.0.1:19092"))
                .set("kafka.num.stream.threads", "2");

        assertEquals(List.of("pipeline.window.capacity"), BenchCommand.changedPipelineSettings(loader),
                "the changed window is named; the broker address and kafka.* settings are used by bench, so not named");
    }

    @Test
    void configCommandPrintsEffectiveSettingsWithTheirEnvironmentNames() {
        String[] result = run("config", "--set", "pipeline.window.capacity=42");
        assertEquals("0", result[0], result[2]);
        assertEquals(true, result[1].contains("pipeline.window.capacity"), result[1]);
        assertEquals(true, result[1].contains("PIPELINE_WINDOW_CAPACITY"), result[1]);
        assertEquals(true, result[1].contains("42"), result[1]);
    }
}
