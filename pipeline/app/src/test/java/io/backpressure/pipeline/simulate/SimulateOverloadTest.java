package io.backpressure.pipeline.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.outcome.DropReason;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classic metastable failure: a two-second trigger tips naive retries into a collapse that outlasts it, while the
 * pipeline's window, budget and deadline recover at once, on the same arrivals against the same downstream.
 */
class SimulateOverloadTest {
    private static OverloadResult spike;

    @BeforeAll
    static void runDefaultSpike() {
        spike = SharedRuns.defaultOverload();
    }

    /** The same run, cut short: keeps the suite fast where the last seconds of the default minute add nothing. */
    private static OverloadConfig lasting(int seconds, OverloadConfig config) {
        OverloadConfig.Traffic t = config.traffic();
        return config.withTraffic(new OverloadConfig.Traffic(t.utilisation(), Duration.ofSeconds(seconds), t.trigger(), t.triggerAt(),
                t.triggerFor(), t.spikeFactor()));
    }

    @Test
    void naiveClientNeverRecoversFromASpike() {
        assertTrue(spike.naive().summary().recovery().isEmpty(), "naive recovered after " + spike.naive().summary().recovery());
    }

    @Test
    void naiveCollapseOutlastsTheTriggerWithZeroGoodput() {
        int[] goodput = spike.naive().perSecond().goodput();
        for (int s = OverloadConfig.defaults().traffic().firstSecondAfterTrigger(); s < goodput.length; s++) {
            assertEquals(0, goodput[s], "naive goodput in second " + s);
        }
    }

    @Test
    void pipelineRecoversWithinTenSecondsAfterTheSpike() {
        assertTrue(spike.pipeline().summary().recovery().isPresent(), "pipeline never recovered");
        assertTrue(spike.pipeline().summary().recovery().getAsInt() <= 10, "after " + spike.pipeline().summary().recovery());
    }

    @Test
    void pipelineAmplificationStaysNearOne() {
        assertTrue(spike.pipeline().summary().amplification() < 1.3, "amplification " + spike.pipeline().summary().amplification());
    }

    @Test
    void naiveAmplificationExceedsTwo() {
        assertTrue(spike.naive().summary().amplification() > 2, "amplification " + spike.naive().summary().amplification());
    }

    @Test
    void pipelineShedsExpiredRequestsFromTheBacklogInsteadOfCallingForThem() {
        assertTrue(spike.pipeline().summary().drops().getOrDefault(DropReason.DEADLINE_EXCEEDED, 0L) > 0);
        assertEquals(0, spike.pipeline().summary().wastedWork());
    }

    @Test
    void bothClientsSeeTheSameArrivals() {
        assertEquals(spike.naive().summary().requests(), spike.pipeline().summary().requests());
        assertTrue(Arrays.equals(spike.naive().perSecond().arrivals(), spike.pipeline().perSecond().arrivals()));
    }

    @Test
    void withoutATriggerBothClientsStayHealthy() {
        OverloadResult calm = OverloadStudy.run(OverloadConfig.defaults().withTrigger(Trigger.NONE));
        for (OverloadResult.ClientRun run : List.of(calm.naive(), calm.pipeline())) {
            assertEquals(0, Arrays.stream(run.perSecond().timeouts()).sum(), run.name() + " timed out without a trigger");
            assertTrue(run.summary().amplification() < 1.001, run.name() + " " + run.summary().amplification());
        }
    }

    @Test
    void aCapacityDropAlsoTipsTheNaiveClientButNotThePipeline() {
        OverloadResult drop = OverloadStudy.run(lasting(40, OverloadConfig.defaults().withTrigger(Trigger.CAPACITY_DROP)));
        assertTrue(drop.naive().summary().recovery().isEmpty());
        assertTrue(drop.naive().summary().amplification() > 2);
        assertTrue(drop.pipeline().summary().recovery().isPresent());
        assertTrue(drop.pipeline().summary().recovery().getAsInt() <= 10);
    }

    /**
     * A window too large for the timeout (500 calls over 10 workers wait up to 500 ms, above 200 ms) no longer protects
     * the downstream: then the retry budget is what stops the collapse.
     */
    @Test
    void retryBudgetRescuesAWindowTooLargeForTheTimeout() {
        OverloadConfig.PipelinePolicy p = OverloadConfig.defaults().pipeline();
        OverloadConfig withBudget = lasting(45, OverloadConfig.defaults()).withPipeline(new OverloadConfig.PipelinePolicy(500, p.maxAttempts(),
                p.backoff(), p.backoffBase(), p.backoffCap(), 500, 5, 1));
        OverloadConfig withoutBudget = lasting(45, OverloadConfig.defaults()).withPipeline(new OverloadConfig.PipelinePolicy(500, p.maxAttempts(),
                p.backoff(), p.backoffBase(), p.backoffCap(), 0, 0, 0));
        OverloadResult.Summary budgeted = OverloadStudy.run(withBudget).pipeline().summary();
        OverloadResult.Summary unbudgeted = OverloadStudy.run(withoutBudget).pipeline().summary();
        assertTrue(budgeted.recovery().isPresent(), "with a budget: never recovered");
        assertTrue(budgeted.drops().getOrDefault(DropReason.RETRY_BUDGET_EXHAUSTED, 0L) > 0);
        assertFalse(unbudgeted.recovery().isPresent(), "without a budget: recovered after " + unbudgeted.recovery());
    }

    @Test
    void sameSeedGivesIdenticalNumbers() {
        OverloadResult again = OverloadStudy.run(OverloadConfig.defaults());
        assertEquals(OverloadReport.csv(spike), OverloadReport.csv(again));
        assertEquals(OverloadReport.summary(spike), OverloadReport.summary(again));
    }

    @Test
    void anotherSeedGivesOtherArrivals() {
        OverloadConfig shortRun = OverloadConfig.defaults().withTraffic(new OverloadConfig.Traffic(0.8, Duration.ofSeconds(5),
                Trigger.NONE, Duration.ofSeconds(1), Duration.ofSeconds(1), 2.0));
        assertFalse(Arrays.equals(OverloadStudy.run(shortRun.withSeed(1)).naive().perSecond().arrivals(),
                OverloadStudy.run(shortRun.withSeed(2)).naive().perSecond().arrivals()));
    }

    @Test
    void csvHasOneRowPerClientAndSecond() {
        List<String> lines = OverloadReport.csv(spike).lines().toList();
        assertEquals("second,client,arrivals,goodput,downstream_calls,timeouts,drops,server_queue,backlog", lines.get(0));
        assertEquals(1 + 2 * 60, lines.size());
    }

    @Test
    void svgDrawsOnePathPerSeries() throws Exception {
        assertEquals(List.of("arrivals", "naive goodput", "pipeline goodput", "naive calls", "pipeline calls"),
                SvgDocument.paths(OverloadReport.svg(spike)));
    }

    @Test
    void parametersAreDocumentedInTheOutput() {
        String text = OverloadReport.parameters(OverloadConfig.defaults());
        for (String expected : List.of("10 workers x 10 ms = 1,000 calls/s", "80%", "spike to 2.0x capacity", "timeout 200 ms",
                "window 50", "up to 4 attempts", "up to 3 attempts", "500 tokens", "deadline 2 s")) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in\n" + text);
        }
    }

    @Test
    void triggerMustEndWithinTheRun() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new OverloadConfig.Traffic(0.8, Duration.ofSeconds(10), Trigger.SPIKE, Duration.ofSeconds(9),
                        Duration.ofSeconds(2), 2.0));
        assertTrue(e.getMessage().startsWith("--trigger-at"), e.getMessage());
    }
}
