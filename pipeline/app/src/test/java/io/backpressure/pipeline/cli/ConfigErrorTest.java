package io.backpressure.pipeline.cli;

import static io.backpressure.pipeline.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A configuration mistake stops a command at start with one line naming the setting and the bad value. */
class ConfigErrorTest {

    @Test
    void badValueFailsRunWithTheSettingNameAndExitCode2() {
        String[] result = run("run", "--set", "pipeline.window.capacity=0");
        assertEquals("2", result[0]);
        assertEquals("error: pipeline.window.capacity must be >= 1, was 0", result[2].strip());
    }

    @Test
    void commitSettingsNameTheSettingAndTheBadValue() {
        String[] mode = run("run", "--set", "pipeline.commit.mode=later");
        assertEquals("2", mode[0]);
        assertEquals("error: pipeline.commit.mode must be persist or drain, was later", mode[2].strip());

        String[] wait = run("run", "--set", "pipeline.commit.handover-wait=1m");
        assertEquals("2", wait[0]);
        assertEquals("error: pipeline.commit.handover-wait=1m is longer than the stream thread may block (8500ms, from "
                + "pipeline.handler.timeout): shorten it", wait[2].strip());
    }

    @Test
    void littlesLawFlagsNameTheFlagAndTheBadValueBeforeAnythingStarts() {
        String[] window = run("bench", "littles-law", "--window", "0");
        assertEquals("2", window[0]);
        assertEquals("error: --window must be >= 1, was 0", window[2].strip());

        String[] latency = run("bench", "littles-law", "--latency", "soon");
        assertEquals("2", latency[0]);
        assertEquals(true, latency[2].startsWith("error: --latency"), latency[2]);
        assertEquals(true, latency[2].contains("soon"), latency[2]);

        String[] guarantee = run("bench", "littles-law", "--guarantee", "maybe");
        assertEquals("2", guarantee[0]);
        assertEquals(true, guarantee[2].startsWith("error: --guarantee must be one of at_least_once, exactly_once_v2, was maybe"), guarantee[2]);
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

    @Test
    void configShowsWhereEachValueCameFromAndNoSecret() throws Exception {
        java.nio.file.Path secrets = java.nio.file.Files.createTempFile("pipeline-secrets", ".properties");
        java.nio.file.Files.writeString(secrets, "password=from-a-file-s3cr3t\n");
        String[] result = run("config",
                "--set", "kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\" password=\"jaas-s3cr3t\";",
                "--set", "kafka.ssl.truststore.password=${file:" + secrets + ":password}",
                "--set", "kafka.sasl.oauthbearer.jwks.endpoint.url=https://idp.example/jwks?client_secret=query-s3cr3t",
                "--set", "pipeline.schema-registry.url=https://svc:url-s3cr3t@registry.example/apis/ccompat/v7",
                "--set", "pipeline.window.capacity=42");
        assertEquals("0", result[0], result[2]);
        for (String secret : new String[] {"jaas-s3cr3t", "from-a-file-s3cr3t", "query-s3cr3t", "url-s3cr3t"}) {
            assertEquals(false, result[1].contains(secret) || result[2].contains(secret), secret + " shown:\n" + result[1] + result[2]);
        }
        String jaasLine = line(result[1], "kafka.sasl.jaas.config");
        assertEquals(true, jaasLine.contains("[hidden]") && jaasLine.contains("flag"), jaasLine);
        assertEquals(true, line(result[1], "pipeline.schema-registry.url").contains("https://[hidden]@registry.example/apis/ccompat/v7"),
                result[1]);
        assertEquals(true, line(result[1], "kafka.sasl.oauthbearer.jwks.endpoint.url").contains("https://idp.example/jwks?[hidden]"),
                result[1]);
        assertEquals(true, line(result[1], "pipeline.retry.max-attempts").contains("default"), result[1]);
    }

    @Test
    void anUnknownLimitOrAMinimumAboveTheCapacityIsRefusedNamingTheSettings() {
        String[] unknown = run("config", "--set", "pipeline.window.limit=tcp");
        assertEquals("2", unknown[0]);
        assertEquals("error: pipeline.window.limit must be one of fixed, vegas, gradient2, aimd, was tcp", unknown[2].strip());
        String[] tooHigh = run("config", "--set", "pipeline.window.capacity=10", "--set", "pipeline.window.limit.min=20",
                "--set", "pipeline.window.limit.initial=30");
        assertEquals("2", tooHigh[0]);
        assertEquals("error: pipeline.window.limit.min=20 is above pipeline.window.capacity=10, the hard cap the limit adapts under:"
                + " lower the minimum or raise the capacity", tooHigh[2].strip());
        String[] bench = run("bench", "adaptive", "--limit", "fixed");
        assertEquals("2", bench[0]);
        assertEquals("error: --limit must be vegas, gradient2 or aimd, was fixed", bench[2].strip());
    }

    @Test
    void aSettingNamedTwiceWithDifferentValuesIsRefusedNamingBoth() {
        String[] result = run("config", "--set", "kafka.bootstrap.servers=broker-a:9092", "--set", "pipeline.bootstrap-servers=broker-b:9092");
        assertEquals("2", result[0]);
        assertEquals("error: kafka.bootstrap.servers=broker-a:9092 and pipeline.bootstrap-servers=broker-b:9092 name the same setting:"
                + " set pipeline.bootstrap-servers only", result[2].strip());
    }

    @Test
    void aReferenceThatCannotBeResolvedNamesTheSetting() {
        String[] result = run("config", "--set", "kafka.ssl.keystore.password=${file:/nonexistent/secrets.properties:password}");
        assertEquals("2", result[0]);
        assertEquals(true, result[2].strip().startsWith("error: kafka.ssl.keystore.password references a value that"), result[2]);
    }

    private static String line(String output, String name) {
        return java.util.Arrays.stream(output.split("\n")).filter(l -> l.startsWith(name + " ")).findFirst().orElse("(no line for " + name + ")");
    }
}
