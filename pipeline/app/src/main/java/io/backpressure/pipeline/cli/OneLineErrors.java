package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.broker.LocalStackException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an expected failure into one line on stderr and an exit code, without a stack trace: 2 for a usage or
 * configuration error (a bad flag or setting: {@link IllegalArgumentException}, which every configuration check
 * raises through {@link io.backpressure.pipeline.config.ConfigurationException}), 1 for a failure at run time (a
 * stack that cannot start, Kafka unreachable, a missing topic: {@link IllegalStateException}). Unexpected errors keep
 * their trace: they are bugs.
 */
final class OneLineErrors implements IExecutionExceptionHandler {
    static final int USAGE_ERROR = 2;
    static final int RUNTIME_ERROR = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof LocalStackException) {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            return e instanceof IllegalArgumentException ? USAGE_ERROR : RUNTIME_ERROR;
        }
        e.printStackTrace(cmd.getErr());
        return RUNTIME_ERROR;
    }
}
