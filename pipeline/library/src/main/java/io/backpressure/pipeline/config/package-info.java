/**
 * The pipeline's configuration: immutable records validated on construction, and the one place
 * ({@link io.backpressure.pipeline.config.ConfigLoader}) that turns a properties file, environment variables and flags into them.
 */
package io.backpressure.pipeline.config;
