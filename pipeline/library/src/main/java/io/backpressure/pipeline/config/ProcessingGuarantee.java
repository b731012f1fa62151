package io.backpressure.pipeline.config;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;

/** The two delivery guarantees the pipeline supports, with the names Kafka Streams uses. */
public enum ProcessingGuarantee {
    AT_LEAST_ONCE(StreamsConfig.AT_LEAST_ONCE),
    EXACTLY_ONCE_V2(StreamsConfig.EXACTLY_ONCE_V2);

    private final String streamsName;

    ProcessingGuarantee(String streamsName) {
        this.streamsName = streamsName;
    }

    public String streamsName() {
        return streamsName;
    }

    public static ProcessingGuarantee parse(String setting, String value) {
        for (ProcessingGuarantee g : values()) {
            if (g.streamsName.equalsIgnoreCase(value.strip()) || g.name().equalsIgnoreCase(value.strip())) {
                return g;
            }
        }
        throw new IllegalArgumentException(setting + " must be one of "
                + Arrays.stream(values()).map(ProcessingGuarantee::streamsName).collect(Collectors.joining(", "))
                + ", was " + value);
    }
}
