package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backpressure.pipeline.metrics.PipelineStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class CommitHoldsTest {
    private final PipelineStats stats = new PipelineStats(new SimpleMeterRegistry());
    private final CommitHolds holds = new CommitHolds(stats);

    @Test
    void aCommitIsCountedOnceWhenItsThreadWorksAgainHoweverManyTasksItsHooksCovered() {
        holds.working();
        assertEquals(0, stats.commits(), "no commit yet");

        holds.hookDone(holds.hookStarting());
        holds.hookDone(holds.hookStarting());
        assertEquals(0, stats.commits(), "a commit in progress is not counted until the thread works again");

        holds.working();
        holds.working();
        assertEquals(1, stats.commits());

        holds.hookDone(holds.hookStarting());
        holds.working();
        assertEquals(2, stats.commits(), "the next commit is counted too");
    }

    @Test
    void anotherThreadWorkingDoesNotEndThisThreadsCommit() throws InterruptedException {
        holds.hookDone(holds.hookStarting());

        Thread other = new Thread(holds::working);
        other.start();
        other.join();
        assertEquals(0, stats.commits(), "the other thread was in no commit");

        holds.working();
        assertEquals(1, stats.commits());
    }

    @Test
    void commitsOfTwoThreadsAreEachCounted() throws InterruptedException {
        holds.hookDone(holds.hookStarting());
        Thread other = new Thread(() -> {
            holds.hookDone(holds.hookStarting());
            holds.working();
        });
        other.start();
        other.join();
        assertEquals(1, stats.commits(), "the other thread's commit ended");

        holds.working();
        assertEquals(2, stats.commits(), "and this thread's, still open meanwhile, ends when it works again");
    }
}
