/** {@code pipeline doctor}: checks a deployment before it runs, one finding per line with the fix. */
package io.backpressure.pipeline.doctor;
