package io.backpressure.pipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
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
}
