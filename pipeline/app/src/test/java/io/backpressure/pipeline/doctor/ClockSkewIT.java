package io.backpressure.pipeline.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.testing.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The clock check against the real broker, with this host's clock set ahead and behind by an injected offset. */
class ClockSkewIT {
    private static final Pattern SKEW = Pattern.compile("this host is (\\d+) ms (ahead of|behind) the cluster's controller \\(±(\\d+) ms\\)");

    @Test
    void aClockInStepIsOkAndOneSecondsOffIsAFinding() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.get().bootstrapServers()))) {
            Finding inStep = new ClockSkew(admin, Duration.ofSeconds(10), Clock.systemUTC()).check();
            assertEquals(Finding.Severity.OK, inStep.severity(), inStep.line());

            Finding ahead = new ClockSkew(admin, Duration.ofSeconds(10), Clock.offset(Clock.systemUTC(), Duration.ofSeconds(5))).check();
            assertEquals(Finding.Severity.WARN, ahead.severity(), ahead.line());
            assertSkew(ahead, "ahead of", 5_000);

            Finding behind = new ClockSkew(admin, Duration.ofSeconds(10), Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-3))).check();
            assertEquals(Finding.Severity.WARN, behind.severity(), behind.line());
            assertSkew(behind, "behind", 3_000);
            assertTrue(behind.detail().endsWith("synchronise the clocks (NTP)"), behind.line());
        }
    }

    private static void assertSkew(Finding finding, String direction, long offsetMillis) {
        Matcher m = SKEW.matcher(finding.detail());
        assertTrue(m.find(), finding.line());
        assertEquals(direction, m.group(2), finding.line());
        long measured = Long.parseLong(m.group(1));
        long error = Long.parseLong(m.group(3));
        assertTrue(Math.abs(measured - offsetMillis) <= error + 50, "measured " + measured + " ms for an offset of " + offsetMillis + ": " + finding.line());
    }
}
