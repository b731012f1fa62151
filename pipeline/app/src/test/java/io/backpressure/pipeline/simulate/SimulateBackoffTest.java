package io.backpressure.pipeline.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contention study reproduces the published shape and is a pure function of its seed. */
class SimulateBackoffTest {
    private static final int CLIENTS = 100;
    private static final List<String> JITTERED = List.of("full-jitter", "equal-jitter", "decorrelated-jitter");
    private static BackoffStudyConfig config;
    private static BackoffStudyResult result;

    @BeforeAll
    static void runSmallStudy() {
        config = BackoffStudyConfig.published().withClients(List.of(CLIENTS)).withRuns(20);
        result = BackoffStudy.run(config);
    }

    private static double calls(String strategy) {
        return result.point(strategy, CLIENTS).meanCalls();
    }

    private static Duration completion(String strategy) {
        return result.point(strategy, CLIENTS).meanCompletion();
    }

    @Test
    void fullJitterNeedsLessThanHalfTheCallsOfPlainExponential() {
        assertTrue(calls("full-jitter") < 0.5 * calls("exponential"),
                "full jitter " + calls("full-jitter") + " vs exponential " + calls("exponential"));
    }

    @Test
    void plainExponentialTakesLongerThanEveryJitteredStrategy() {
        for (String jittered : JITTERED) {
            assertTrue(completion("exponential").compareTo(completion(jittered)) > 0,
                    "exponential " + completion("exponential") + " vs " + jittered + " " + completion(jittered));
        }
    }

    @Test
    void equalJitterTakesLongerThanFullJitter() {
        assertTrue(completion("equal-jitter").compareTo(completion("full-jitter")) > 0,
                "equal " + completion("equal-jitter") + " vs full " + completion("full-jitter"));
    }

    @Test
    void noBackoffMakesTheMostCallsButFinishesFirst() {
        for (String other : List.of("exponential", "full-jitter", "equal-jitter", "decorrelated-jitter")) {
            assertTrue(calls("none") > calls(other), "none " + calls("none") + " vs " + other + " " + calls(other));
            assertTrue(completion("none").compareTo(completion(other)) < 0, "none " + completion("none") + " vs " + other);
        }
    }

    @Test
    void sameSeedGivesIdenticalNumbers() {
        assertEquals(result, BackoffStudy.run(config));
    }

    @Test
    void anotherSeedGivesOtherNumbers() {
        BackoffStudyConfig small = config.withClients(List.of(10)).withRuns(2);
        assertNotEquals(BackoffStudy.run(small).points(), BackoffStudy.run(small.withSeed(2)).points());
    }

    @Test
    void aPointDoesNotDependOnWhichOtherPointsAreSimulated() {
        BackoffStudyResult alone = BackoffStudy.run(config.withStrategies(List.of("equal-jitter")));
        assertEquals(result.point("equal-jitter", CLIENTS), alone.point("equal-jitter", CLIENTS));
    }

    @Test
    void aLoneClientWritesOnceAfterFourNetworkLegs() {
        BackoffStudyConfig lone = new BackoffStudyConfig(List.of("full-jitter"), List.of(1), 3, Duration.ofMillis(5),
                Duration.ofMillis(2000), Duration.ofMillis(10), Duration.ZERO, 7L);
        BackoffStudyResult.Point point = BackoffStudy.run(lone).point("full-jitter", 1);
        assertEquals(1.0, point.meanCalls());
        assertEquals(Duration.ofMillis(40), point.meanCompletion());
    }

    @Test
    void everyClientWritesAtLeastOnce() {
        BackoffStudyResult few = BackoffStudy.run(config.withClients(List.of(2, 7)).withRuns(5));
        for (BackoffStudyResult.Point p : few.points()) {
            assertTrue(p.meanCalls() >= p.clients(), p.toString());
        }
    }

    @Test
    void rejectsAnUnknownStrategyNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.withStrategies(List.of("full-jiter")));
        assertTrue(e.getMessage().startsWith("--strategies must be among"), e.getMessage());
        assertTrue(e.getMessage().endsWith("was full-jiter"), e.getMessage());
    }

    @Test
    void csvHasOneRowPerPoint() {
        List<String> lines = BackoffReport.csv(result).lines().toList();
        assertEquals("clients,strategy,runs,mean_calls,mean_completion_ms", lines.get(0));
        assertEquals(1 + result.points().size(), lines.size());
    }

    @Test
    void svgDrawsOnePathPerStrategyInEachPanel() throws Exception {
        BackoffStudyResult two = BackoffStudy.run(config.withClients(List.of(10, 30, 50)).withRuns(2));
        assertEquals(2 * config.strategies().size(), SvgDocument.paths(BackoffReport.svg(two)).size());
    }
}
