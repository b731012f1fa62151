/** The {@code pipeline} command line: one small class per subcommand, output through the command's own writer. */
package io.backpressure.pipeline.cli;
