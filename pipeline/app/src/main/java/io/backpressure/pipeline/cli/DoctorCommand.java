package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.ConfigurationException;
import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.doctor.Doctor;
import io.backpressure.pipeline.doctor.Finding;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor", description = "Check the deployment before running: settings, broker, registry, topics and their partition "
        + "counts, permissions, state directory. One line per finding with the fix; exit 0 when sound, 1 when something blocks running.")
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--timeout", defaultValue = "10s", description = "how long to wait for the broker and the registry (default ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--json", description = "the findings as JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Finding> findings;
        try {
            PipelineConfig config = options.load();
            findings = new Doctor(config, Durations.parse("--timeout", timeout)).examine();
            findings.add(0, new Finding("settings", Finding.Severity.OK, "loaded and consistent"));
        } catch (ConfigurationException e) {
            // A contradiction or a bad value: nothing else can be checked against settings that cannot run.
            findings = List.of(new Finding("settings", Finding.Severity.FAIL, e.getMessage()));
        }
        boolean blocked = findings.stream().anyMatch(f -> f.severity() == Finding.Severity.FAIL);
        if (json) {
            JsonOutput.print(out, Map.of("sound", !blocked, "findings", findings));
        } else {
            findings.forEach(f -> out.println(f.line()));
            out.println(blocked ? "doctor: something above blocks running the pipeline" : "doctor: sound");
        }
        out.flush();
        return blocked ? 1 : 0;
    }
}
