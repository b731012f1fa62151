package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.app.PipelineApp;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.handler.Handlers;
import io.backpressure.pipeline.handler.RequestHandler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run the pipeline (a Kafka Streams application) until Ctrl-C. Creates missing topics.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--capacity-schedule", paramLabel = "AFTER:WORKERS,...",
            description = "shortcut for pipeline.handler.simulated.capacity-schedule: change the simulated downstream's workers "
                    + "over time, e.g. 0s:100,60s:50,120s:100")
    String capacitySchedule;

    @Option(names = "--handler-jar", paramLabel = "JAR",
            description = "a jar with a plug-in handler (listed in META-INF/services/io.backpressure.pipeline.handler.HandlerProvider), "
                    + "selected by pipeline.handler.type=<its name>; repeatable. Jars in handlers/ beside pipeline.jar are loaded too")
    List<Path> handlerJars = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        var loader = options.loader();
        if (capacitySchedule != null) {
            loader.set("pipeline.handler.simulated.capacity-schedule", capacitySchedule);
        }
        PipelineConfig config = loader.load();
        PrintWriter out = spec.commandLine().getOut();
        RequestHandler handler = Handlers.create(config, HandlerJars.loader(handlerJars, spec.commandLine()));
        Reachability.requireBroker(config);
        Reachability.requireRegistry(config);
        PipelineApp app = PipelineApp.start(config, handler);
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        app.onStateChange((now, before) -> {
            out.println("state " + before + " -> " + now);
            out.flush();
            if (now == KafkaStreams.State.ERROR) {
                failed.set(true);
                done.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            done.countDown();
        }, "pipeline-stop"));
        out.println("pipeline running: " + config.topics().input() + " -> " + config.topics().results() + " / "
                + config.topics().dropped() + " (Ctrl-C to stop)");
        out.flush();
        done.await();
        return failed.get() ? 1 : 0;
    }
}
