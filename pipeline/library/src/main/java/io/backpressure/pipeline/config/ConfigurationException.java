package io.backpressure.pipeline.config;

/**
 * The configuration cannot be used: a bad value, a contradiction between settings, a reference that cannot be read.
 * The message names the setting and the value. Commands exit with 2 for it, as for any other usage error, and with
 * 1 for failures at run time.
 */
public final class ConfigurationException extends IllegalArgumentException {
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
