package io.backpressure.pipeline.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.outcome.DropReason;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Backoff ONE_SECOND = (attempt, previous, random) -> Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofSeconds(20);
    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    void retriesUntilMaxAttemptsThenDropsAsExhausted() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        RetryDecision.Retry first = assertInstanceOf(RetryDecision.Retry.class,
                policy.decide(1, Duration.ZERO, Duration.ZERO, null, NOW, random));
        assertEquals(2, first.nextAttempt());
        assertEquals(NOW.plusSeconds(1), first.due());
        assertInstanceOf(RetryDecision.Retry.class, policy.decide(2, Duration.ZERO, Duration.ZERO, null, NOW, random));
        RetryDecision.Drop drop = assertInstanceOf(RetryDecision.Drop.class, policy.decide(3, Duration.ZERO, Duration.ZERO, null, NOW, random));
        assertEquals(DropReason.RETRIES_EXHAUSTED, drop.reason());
    }

    @Test
    void retryAfterIsAFloorOnTheDelay() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        RetryDecision.Retry retry = (RetryDecision.Retry) policy.decide(1, Duration.ZERO, Duration.ofSeconds(7), null, NOW, random);
        assertEquals(Duration.ofSeconds(7), retry.delay());
        assertEquals(NOW.plusSeconds(7), retry.due());
    }

    @Test
    void retryDueAfterTheDeadlineIsNotScheduledAndCostsNoBudget() {
        RetryBudget budget = RetryBudget.of(10, 5, 1);
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, budget, CAP, CAP);
        RetryDecision.Drop drop = (RetryDecision.Drop) policy.decide(1, Duration.ZERO, Duration.ZERO, NOW.plusMillis(999), NOW, random);
        assertEquals(DropReason.DEADLINE_EXCEEDED, drop.reason());
        assertEquals(10, budget.tokens());
    }

    @Test
    void emptyBudgetRefusesRetriesAndSuccessesRefillIt() {
        RetryBudget budget = RetryBudget.of(10, 5, 1);
        RetryPolicy policy = new RetryPolicy(5, ONE_SECOND, Duration.ZERO, budget, CAP, CAP);
        assertInstanceOf(RetryDecision.Retry.class, policy.decide(1, Duration.ZERO, Duration.ZERO, null, NOW, random));
        assertInstanceOf(RetryDecision.Retry.class, policy.decide(1, Duration.ZERO, Duration.ZERO, null, NOW, random));
        RetryDecision.Drop drop = (RetryDecision.Drop) policy.decide(1, Duration.ZERO, Duration.ZERO, null, NOW, random);
        assertEquals(DropReason.RETRY_BUDGET_EXHAUSTED, drop.reason());
        for (int i = 0; i < 5; i++) {
            budget.onSuccess();
        }
        assertEquals(5, budget.tokens());
        assertInstanceOf(RetryDecision.Retry.class, policy.decide(1, Duration.ZERO, Duration.ZERO, null, NOW, random));
    }

    @Test
    void budgetNeverExceedsItsCapacityAndZeroCapacityMeansOff() {
        RetryBudget budget = RetryBudget.of(10, 5, 1);
        budget.onSuccess();
        assertEquals(10, budget.tokens());
        RetryBudget off = RetryBudget.of(0, 5, 1);
        assertFalse(off.enabled());
        for (int i = 0; i < 1000; i++) {
            assertTrue(off.tryAcquireRetry());
        }
    }

    @Test
    void deadlineIsTheRequestsOwnOrCreationPlusDefaultTtl() {
        RetryPolicy withTtl = new RetryPolicy(3, ONE_SECOND, Duration.ofMinutes(10), RetryBudget.of(0, 5, 1), CAP, CAP);
        assertEquals(NOW.plusSeconds(5), withTtl.deadlineOf(NOW.plusSeconds(5), NOW));
        assertEquals(NOW.plus(Duration.ofMinutes(10)), withTtl.deadlineOf(null, NOW));
        RetryPolicy noTtl = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        assertNull(noTtl.deadlineOf(null, NOW));
    }

    @Test
    void retryAfterAboveItsCapWaitsOnlyTheCap() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), Duration.ofSeconds(30), CAP);
        RetryDecision.Retry retry = (RetryDecision.Retry) policy.decide(1, Duration.ZERO, Duration.ofSeconds(99_999_999), null, NOW,
                random);
        assertEquals(Duration.ofSeconds(30), retry.delay());
        assertEquals(NOW.plusSeconds(30), retry.due());
    }

    @Test
    void retryStateWithinRangeIsAcceptedAndEachOutOfRangeFieldIsNamed() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        long now = NOW.toEpochMilli();
        Duration skew = Duration.ofSeconds(1);
        RetryState fine = new RetryState(2, now - 5_000, 3_000, now + 1_000);
        assertNull(policy.invalidRetryState(fine, 2, now, skew));
        assertEquals("attempt 3 on the delay topic of attempt 2",
                policy.invalidRetryState(new RetryState(3, now, 0, now), 2, now, skew));
        assertEquals("attempt 4 is outside 2..3", policy.invalidRetryState(new RetryState(4, now, 0, now), 4, now, skew));
        assertTrue(policy.invalidRetryState(new RetryState(2, now, 0, now + Duration.ofDays(365).toMillis()), 2, now, skew)
                .startsWith("due time 2027-01-01T00:00:00Z is further ahead than the longest delay"));
        assertTrue(policy.invalidRetryState(new RetryState(2, now + 5_000, 0, now + 5_000), 2, now, skew)
                .contains("is in the future"));
        assertTrue(policy.invalidRetryState(new RetryState(2, now, 0, now - 1), 2, now, skew).contains("is before the first attempt"));
        assertEquals("delay -5 ms is outside 0..20000 ms", policy.invalidRetryState(new RetryState(2, now - 10, -5, now), 2, now, skew));
    }
}
