package io.backpressure.pipeline.cli;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.ParameterException;

/**
 * The class loader plug-in handlers are found in: the jars given with {@code --handler-jar}, then every jar in the
 * {@code handlers/} folder beside {@code pipeline.jar}. Under {@code java -jar} the class path is the manifest's alone,
 * so a handler's jar is reachable only this way.
 */
final class HandlerJars {
    static final String FOLDER = "handlers";

    private HandlerJars() {
    }

    static ClassLoader loader(List<Path> given, picocli.CommandLine commandLine) {
        List<URL> urls = new ArrayList<>();
        for (Path jar : given) {
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw new ParameterException(commandLine, "--handler-jar " + jar + " is not a readable file");
            }
            urls.add(url(jar));
        }
        Path folder = besideTheApplicationJar();
        if (folder != null && Files.isDirectory(folder)) {
            try (Stream<Path> jars = Files.list(folder)) {
                jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> urls.add(url(p)));
            } catch (IOException e) {
                throw new ParameterException(commandLine, "could not list " + folder + ": " + e.getMessage());
            }
        }
        ClassLoader parent = HandlerJars.class.getClassLoader();
        return urls.isEmpty() ? parent : new URLClassLoader("handlers", urls.toArray(URL[]::new), parent);
    }

    /** {@code handlers/} beside the jar the app runs from; null when it runs from classes (tests, an IDE). */
    private static Path besideTheApplicationJar() {
        try {
            Path location = Path.of(HandlerJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toString().endsWith(".jar") ? location.resolveSibling(FOLDER) : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar + " is not a valid path: " + e.getMessage(), e);
        }
    }
}
