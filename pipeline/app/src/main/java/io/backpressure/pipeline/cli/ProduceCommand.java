package io.backpressure.pipeline.cli;

import io.backpressure.pipeline.config.Durations;
import io.backpressure.pipeline.config.PipelineConfig;
import io.backpressure.pipeline.produce.ProduceSpec;
import io.backpressure.pipeline.produce.RequestProducer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "produce", description = "Send work requests to the input topic.")
final class ProduceCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = {"-n", "--count"}, defaultValue = "10000", description = "requests to send (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--rate", defaultValue = "0", description = "requests per second; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--keys", defaultValue = "100", description = "distinct keys (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--payload-bytes", defaultValue = "100", description = "payload size (default: ${DEFAULT-VALUE})")
    int payloadBytes;

    @Option(names = "--deadline", description = "deadline of each request after its creation, e.g. 30s (default: none)")
    String deadline;

    @Option(names = "--id-prefix", description = "request ids are <prefix>-<n> (default: run-<time>)")
    String idPrefix;

    @Option(names = "--json", description = "one JSON summary on standard output (progress goes to standard error)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PipelineConfig config = options.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = json ? spec.commandLine().getErr() : out;
        String prefix = idPrefix != null ? idPrefix : "run-" + System.currentTimeMillis();
        ProduceSpec produce = new ProduceSpec(count, rate, keys, payloadBytes,
                deadline == null ? null : Durations.parse("--deadline", deadline), prefix);
        Reachability.quietKafkaClients();
        Reachability.requireBroker(config);
        Reachability.requireRegistry(config);
        RequestProducer producer = new RequestProducer(config.kafka().clients(), config.kafka().schemaRegistryUrl(),
                config.topics().input(), Clock.systemUTC());
        long start = System.nanoTime();
        long sent = producer.produce(produce, acked -> {
            progress.printf("  sent %,d / %,d%n", acked, count);
            progress.flush();
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("sent", sent);
            summary.put("topic", config.topics().input());
            summary.put("seconds", seconds);
            summary.put("perSecond", sent / seconds);
            summary.put("firstId", prefix + "-0");
            summary.put("lastId", prefix + "-" + (count - 1));
            JsonOutput.print(out, summary);
        } else {
            out.printf("sent %,d requests to %s in %.2f s (%,.0f requests/s); ids %s-0 .. %s-%d%n", sent, config.topics().input(),
                    seconds, sent / seconds, prefix, prefix, count - 1);
        }
        out.flush();
        return 0;
    }
}
