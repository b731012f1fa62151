package io.backpressure.pipeline.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backpressure.pipeline.backoff.Backoff;
import io.backpressure.pipeline.handler.Outcome;
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

    /** The fate of a retryable failure of {@code attempt} (its previous delay 0), as the processor asks for it. */
    private Fate failed(RetryPolicy policy, int attempt, Duration retryAfter, Instant deadline) {
        return policy.afterCall(new RetryState(attempt, NOW.toEpochMilli(), 0, NOW.toEpochMilli()), deadline,
                new Outcome.RetryableFailure<>("HTTP 503", retryAfter), NOW, random);
    }

    @Test
    void aSuccessIsDeliveredAndRefillsTheBudgetAndANonRetryableFailureIsDroppedWithItsError() {
        RetryBudget budget = RetryBudget.of(10, 5, 1);
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, budget, CAP, CAP);
        assertInstanceOf(Fate.Retry.class, failed(policy, 1, Duration.ZERO, null));
        assertEquals(5, budget.tokens());
        RetryState first = RetryState.first(NOW.toEpochMilli());
        assertEquals(Fate.DELIVER, policy.afterCall(first, null, Outcome.success("done"), NOW, random));
        assertEquals(6, budget.tokens());
        assertEquals(new Fate.Drop(DropReason.NON_RETRYABLE, "HTTP 400"),
                policy.afterCall(first, null, Outcome.nonRetryable("HTTP 400"), NOW, random));
    }

    @Test
    void aRetryCarriesTheNextStateAndTheLastErrorOfAnExhaustedRequestIsKept() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        Fate.Retry retry = (Fate.Retry) failed(policy, 1, Duration.ZERO, null);
        assertEquals(new RetryState(2, NOW.toEpochMilli(), 1000, NOW.plusSeconds(1).toEpochMilli()), retry.next());
        assertEquals(new Fate.Drop(DropReason.RETRIES_EXHAUSTED, "HTTP 503"), failed(policy, 3, Duration.ZERO, null));
    }

    @Test
    void aRequestPastItsDeadlineIsNotCalled() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        RetryState second = new RetryState(2, NOW.toEpochMilli(), 1000, NOW.toEpochMilli());
        assertNull(policy.beforeCall(second, NOW.plusMillis(1), NOW));
        assertNull(policy.beforeCall(second, null, NOW));
        assertEquals(new Fate.Drop(DropReason.DEADLINE_EXCEEDED, "deadline " + NOW + " passed before attempt 2"),
                policy.beforeCall(second, NOW, NOW));
    }

    @Test
    void retriesUntilMaxAttemptsThenDropsAsExhausted() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        Fate.Retry first = assertInstanceOf(Fate.Retry.class,
                failed(policy, 1, Duration.ZERO, null));
        assertEquals(2, first.next().attempt());
        assertEquals(NOW.plusSeconds(1), first.due());
        assertInstanceOf(Fate.Retry.class, failed(policy, 2, Duration.ZERO, null));
        Fate.Drop drop = assertInstanceOf(Fate.Drop.class, failed(policy, 3, Duration.ZERO, null));
        assertEquals(DropReason.RETRIES_EXHAUSTED, drop.reason());
    }

    @Test
    void retryAfterIsAFloorOnTheDelay() {
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, RetryBudget.of(0, 5, 1), CAP, CAP);
        Fate.Retry retry = (Fate.Retry) failed(policy, 1, Duration.ofSeconds(7), null);
        assertEquals(Duration.ofSeconds(7), retry.delay());
        assertEquals(NOW.plusSeconds(7), retry.due());
    }

    @Test
    void retryDueAfterTheDeadlineIsNotScheduledAndCostsNoBudget() {
        RetryBudget budget = RetryBudget.of(10, 5, 1);
        RetryPolicy policy = new RetryPolicy(3, ONE_SECOND, Duration.ZERO, budget, CAP, CAP);
        Fate.Drop drop = (Fate.Drop) failed(policy, 1, Duration.ZERO, NOW.plusMillis(999));
        assertEquals(DropReason.DEADLINE_EXCEEDED, drop.reason());
        assertEquals(10, budget.tokens());
    }

    @Test
    void emptyBudgetRefusesRetriesAndSuccessesRefillIt() {
        RetryBudget budget = RetryBudget.of(10, 5, 1);
        RetryPolicy policy = new RetryPolicy(5, ONE_SECOND, Duration.ZERO, budget, CAP, CAP);
        assertInstanceOf(Fate.Retry.class, failed(policy, 1, Duration.ZERO, null));
        assertInstanceOf(Fate.Retry.class, failed(policy, 1, Duration.ZERO, null));
        Fate.Drop drop = (Fate.Drop) failed(policy, 1, Duration.ZERO, null);
        assertEquals(DropReason.RETRY_BUDGET_EXHAUSTED, drop.reason());
        for (int i = 0; i < 5; i++) {
            budget.onSuccess();
        }
        assertEquals(5, budget.tokens());
        assertInstanceOf(Fate.Retry.class, failed(policy, 1, Duration.ZERO, null));
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
        Fate.Retry retry = (Fate.Retry) failed(policy, 1, Duration.ofSeconds(99_999_999), null);
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
