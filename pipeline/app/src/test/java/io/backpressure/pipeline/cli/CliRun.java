package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the command line in this JVM, as a user would from a shell. */
final class CliRun {
    private CliRun() {
    }

    /** @return the exit status, what went to standard output, and what went to standard error */
    static String[] run(String... args) {
        CommandLine cli = PipelineCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** The settings a test gave {@code loader} (its own topics, group, stack), as {@code --set name=value} flags. */
    static List<String> settingsOf(ConfigLoader loader) {
        List<String> flags = new ArrayList<>();
        loader.effectiveValues().forEach((name, value) -> {
            if ("flag".equals(loader.sourceOf(name))) {
                flags.addAll(List.of("--set", name + "=" + value));
            }
        });
        return flags;
    }
}
