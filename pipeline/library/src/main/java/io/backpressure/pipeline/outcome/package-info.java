/** The vocabulary the pipeline writes on records: stable drop reasons and the header names that carry them. */
package io.backpressure.pipeline.outcome;
