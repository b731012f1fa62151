package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.broker.LocalStackException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an expected failure (bad configuration, a stack that cannot start, Kafka unreachable) into one line on
 * stderr and an exit code, without a stack trace. Unexpected errors keep their trace: they are bugs.
 */
final class OneLineErrors implements IExecutionExceptionHandler {
    static final int CONFIG_ERROR = 2;
    static final int RUNTIME_ERROR = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof LocalStackException) {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            return e instanceof LocalStackException ? RUNTIME_ERROR : CONFIG_ERROR;
        }
        e.printStackTrace(cmd.getErr());
        return RUNTIME_ERROR;
    }
}
