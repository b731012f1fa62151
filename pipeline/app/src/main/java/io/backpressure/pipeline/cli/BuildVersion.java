package io.backpressure.pipeline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version Maven built, written into the jar at build time. */
final class BuildVersion implements IVersionProvider {
    static final String RESOURCE = "/pipeline-version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"backpressure pipeline " + version(), "Java " + System.getProperty("java.version")};
    }

    static String version() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "(unknown: " + RESOURCE + " missing from the build)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
