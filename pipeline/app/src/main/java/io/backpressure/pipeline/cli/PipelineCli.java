package io.backpressure.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar pipeline/app/target/pipeline.jar}. */
// INHERIT: --help, -h and --version work on every subcommand too, not only on the top command.
@Command(name = "pipeline", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = BuildVersion.class,
        description = "A Kafka Streams pipeline with a bounded in-flight window, end-to-end backpressure, delay-topic retries "
                + "and drops with reasons.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure (Kafka or the registry unreachable, a stack that cannot start, requests missing)",
                "2:usage or configuration error (the line names the flag or setting and the value)",
                "3:lag: a partition is STALLED"},
        subcommands = {LocalCommand.class, DemoCommand.class, RunCommand.class, ProduceCommand.class, LagCommand.class, ReplayCommand.class, DoctorCommand.class,
                BenchCommand.class, SimulateCommand.class,
                ConfigCommand.class, ClassDataTrainingCommand.class, CommandLine.HelpCommand.class})
public final class PipelineCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PipelineCli());
        cli.setExecutionExceptionHandler(new OneLineErrors());
        return cli;
    }
}
