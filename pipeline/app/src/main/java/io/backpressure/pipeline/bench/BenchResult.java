package io.backpressure.pipeline.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** Figures of one benchmark run plus the machine's conditions, printed as one {@code RESULT <json>} line. */
public final class BenchResult {
    private final Map<String, Object> figures = new LinkedHashMap<>();

    public BenchResult(String scenario) {
        figures.put("scenario", scenario);
    }

    public BenchResult put(String name, Object value) {
        figures.put(name, value instanceof Double d ? Math.round(d * 1000) / 1000.0 : value);
        return this;
    }

    public Object get(String name) {
        return figures.get(name);
    }

    public void print(PrintWriter out) {
        Map<String, Object> all = new LinkedHashMap<>(figures);
        Runtime rt = Runtime.getRuntime();
        all.put("conditions", Map.of(
                "cores", rt.availableProcessors(),
                "java", System.getProperty("java.version"),
                "maxHeapMb", rt.maxMemory() / (1024 * 1024),
                "loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                "broker", "single local KRaft broker on the same machine"));
        try {
            out.println("RESULT " + new ObjectMapper().writeValueAsString(all));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
