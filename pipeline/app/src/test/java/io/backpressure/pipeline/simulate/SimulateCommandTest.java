package io.backpressure.pipeline.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.cli.SimulateCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pipeline simulate}: its defaults are the documented configurations, and bad values name their option. */
class SimulateCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = new CommandLine(new SimulateCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        // As PipelineCli's one-line handler does for an expected failure.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            return 2;
        });
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Every default but the duration (cut to keep the test fast) must match {@link OverloadConfig#defaults()}. */
    @Test
    void overloadDefaultsAreTheDocumentedConfiguration(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("overload.csv");
        Path svg = dir.resolve("out/overload.svg");
        Run run = run("overload", "--duration", "24s", "--no-timeline", "--csv", csv.toString(), "--svg", svg.toString());
        assertEquals(0, run.code(), run.err());
        OverloadConfig.Traffic t = OverloadConfig.defaults().traffic();
        OverloadConfig expectedConfig = OverloadConfig.defaults().withTraffic(new OverloadConfig.Traffic(t.utilisation(),
                Duration.ofSeconds(24), t.trigger(), t.triggerAt(), t.triggerFor(), t.spikeFactor()));
        OverloadResult expected = OverloadStudy.run(expectedConfig);
        assertTrue(run.out().startsWith(OverloadReport.parameters(expectedConfig)), run.out());
        assertTrue(run.out().contains(OverloadReport.summary(expected)), run.out());
        assertEquals(OverloadReport.csv(expected), Files.readString(csv));
        assertEquals(5, SvgDocument.paths(Files.readString(svg)).size());
    }

    @Test
    void overloadPrintsTheTimelineUnlessToldNotTo() {
        Run run = run("overload", "--duration", "3s", "--trigger-at", "1s", "--trigger-for", "1s");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("second arrivals"), run.out());
        assertTrue(run.out().contains("<- trigger"), run.out());
    }

    @Test
    void backoffPrintsTheStudyTableForTheChosenPoints() {
        Run run = run("backoff", "--clients", "20,40", "--runs", "3", "--seed", "9");
        assertEquals(0, run.code(), run.err());
        BackoffStudyConfig config = BackoffStudyConfig.published().withClients(List.of(20, 40)).withRuns(3).withSeed(9);
        assertTrue(run.out().contains(BackoffReport.table(BackoffStudy.run(config))), run.out());
    }

    @Test
    void clientRangesExpandToEveryStep() {
        Run run = run("backoff", "--clients", "10..50:20", "--runs", "1", "--strategies", "none");
        assertEquals(0, run.code(), run.err());
        for (String row : List.of("      10 ", "      30 ", "      50 ")) {
            assertTrue(run.out().contains(row), "no row " + row + " in\n" + run.out());
        }
    }

    @Test
    void badClientsNameTheOptionAndTheValue() {
        Run run = run("backoff", "--clients", "ten");
        assertEquals(2, run.code());
        assertEquals("error: --clients must be counts such as 100, 10,50,100 or 10..190:20, was 'ten'", run.err().strip());
    }

    @Test
    void badTriggerNamesTheOptionAndTheValue() {
        Run run = run("overload", "--trigger", "earthquake");
        assertEquals(2, run.code());
        assertEquals("error: --trigger must be one of spike, capacity-drop, none, was earthquake", run.err().strip());
    }

    @Test
    void badBudgetNamesTheOptionAndTheValue() {
        Run run = run("overload", "--budget", "lots");
        assertEquals(2, run.code());
        assertEquals("error: --budget must be TOKENS/COST/REFUND such as 500/5/1, or off, was 'lots'", run.err().strip());
    }

    @Test
    void zeroWindowNamesTheOption() {
        Run run = run("overload", "--window", "0");
        assertEquals(2, run.code());
        assertEquals("error: --window must be >= 1, was 0", run.err().strip());
    }

    @Test
    void simulateWithoutASubcommandIsAUsageError() {
        Run run = run();
        assertEquals(2, run.code());
        assertTrue(run.err().contains("simulate needs a subcommand: backoff or overload"), run.err());
    }
}
