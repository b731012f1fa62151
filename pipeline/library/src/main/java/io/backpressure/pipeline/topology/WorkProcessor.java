package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.config.CommitSettings;
import io.backpressure.pipeline.config.ProcessingGuarantee;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.retry.Fate;
import io.backpressure.pipeline.retry.RetryState;
import io.backpressure.pipeline.topology.internal.DrainHookStore;
import io.backpressure.pipeline.topology.internal.ForwardTimer;
import io.backpressure.pipeline.topology.internal.JitteredTimer;
import io.backpressure.pipeline.topology.internal.StreamThreadForwarder;
import io.backpressure.pipeline.window.Window;
import io.backpressure.pipeline.handler.PipelineRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.processor.internals.StreamThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-task processor: reads the input topic and the delay topics, decodes, admits into the window, dispatches to
 * the handler, and forwards finished calls. Records from the delay topics wait in the task's {@link RetryTimers}
 * until they are due; their retry state is checked first, since anyone allowed to produce there could forge it.
 * Records from the input topic always start at attempt 1: pipeline headers on them are stripped, never trusted.
 *
 * <p>Finished calls are forwarded only on the stream thread: from {@code process()}, from a jittered wall-clock timer,
 * and from the pre-commit hook. An offset is never committed for a request that is neither routed nor held:
 * {@code pipeline.commit.mode=persist} writes the requests of calls still in flight to the {@link PersistedCalls
 * in-flight store} in the hook, in the same commit as the offsets that pass them (in the same transaction under
 * exactly_once_v2), and strikes each in the commit after its outcome is routed; {@code drain} makes the hook wait
 * until the task has nothing in flight. A new owner of the task (after a crash, a rebalance or a restart) calls the
 * persisted requests again before it takes new records, through the window. A call of a task closed meanwhile is never
 * routed: its outcome waits in the queue of the processor's closed incarnation, which nothing reads any more.
 *
 * <p>Once the instance has caught up, a task asks for a commit at once rather than at the next commit interval, so
 * committed-offset lag reads 0 as soon as the work is done (under at_least_once the interval is 30 s by default).
 */
final class WorkProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkProcessor.class);
    /**
     * At most one caught-up commit per second. Under load a partition can look quiet for a tick while its next fetch is
     * on the way; without this bound that asked for about ten commits a second, each flushing the producer.
     */
    private static final Duration CAUGHT_UP_COMMIT_SPACING = Duration.ofSeconds(1);
    /** How far ahead another instance's clock may run when the due time of a retry it wrote is judged here. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final PipelineParts parts;
    /*
     * Kafka Streams closes a suspended task's processors and initializes the same instances again if the task resumes
     * here. Everything below that belongs to one incarnation is therefore created in init(): the outcomes of calls
     * started before a close go to the old queue, which nothing reads, and their requests are called again from the
     * store (or the uncommitted input) like those of any closed task.
     */
    private FinishedCalls finished;
    /** First attempts in flight that no commit has persisted yet (persist mode). */
    private UnpersistedCalls unpersisted;
    private final RandomGenerator random;
    private final Clock clock;
    /** Per-request time: a call's start and end, and the wall times derived from them. */
    private final TaskClock time;
    private StreamThreadForwarder<byte[], byte[]> forwarder;
    private Dispatcher dispatcher;
    private Admission admission;
    private RequestDecoder decoder;
    private RetryTimers timers;
    private PersistedCalls persistedCalls;
    private Map<String, Integer> attemptByDelayTopic;
    private String inputTopic;
    private ForwardTimer forwardTimer;
    private JitteredTimer releaseTimer;
    private ProcessorContext<byte[], byte[]> context;
    private CommitHolds commitHolds;
    private int held;
    private long processed;
    private long processedAtLastTick;
    private boolean forwardedSinceCommit;
    /** Read by the launcher thread: a call queued before this incarnation closed is not started. */
    private AtomicBoolean open;
    /** {@link #forwardFinished()} as one object, not a new method reference for every call admitted. */
    private final Runnable forwardFinishedNow = this::forwardFinished;
    /** {@code pipeline.ordering=key}: one request per key at a time; else null. */
    private KeyMode keyMode;
    /** False until this processor has called again what its in-flight store held when it opened. */
    private boolean restoredResumed;
    /** None yet (half of MIN_VALUE so the subtraction cannot overflow): a first caught-up commit need not wait. */
    private long lastCommitMillis = Long.MIN_VALUE / 2;

    WorkProcessor(PipelineParts parts, RandomGenerator random) {
        this.parts = parts;
        this.random = random;
        this.clock = parts.clock();
        this.time = TaskClock.of(clock);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        finished = new FinishedCalls();
        unpersisted = new UnpersistedCalls();
        open = new AtomicBoolean(true);
        held = 0;
        restoredResumed = false;
        forwardedSinceCommit = false;
        forwarder = new StreamThreadForwarder<>(context);
        InstanceState instance = parts.instance();
        commitHolds = instance.commitHolds();
        Window window = instance.window();
        Duration maxBlock = parts.config().maxBlock();
        decoder = new RequestDecoder(parts.config().decode().maxValueBytes(), maxBlock, random);
        keyMode = parts.config().ordering().byKey() ? keyMode(context) : null;
        // A hand-off keeps its slot for the same key: only while no call waits for one, so a full window still serves
        // calls in arrival order, as in unordered mode, and a busy key cannot keep a slot from the keys queued behind.
        Launcher launcher = instance.launcher();
        BooleanSupplier handOffs = keyMode == null ? () -> false : () -> keyMode.handOffsAllowed() && launcher.isIdle();
        dispatcher = new Dispatcher(parts.binding(), window, parts.config().window().handlerTimeout(), instance.timeouts(), finished,
                instance.stats(), instance.outcomeListener(), handOffs, launcher, clock);
        admission = new Admission(window, launcher, new Launcher.Lane(dispatcher, finished, open::get), maxBlock);
        inputTopic = parts.config().topics().input();
        DrainHookStore hook = context.getStateStore(PipelineTopology.DRAIN_HOOK_STORE);
        hook.beforeCommit(parts.config().commit().mode() == CommitSettings.Mode.DRAIN ? this::drainBeforeCommit : this::persistBeforeCommit);
        forwardTimer = ForwardTimer.start(context, parts.config().window().forwardInterval(), this::onTick);
        boolean transactional = parts.config().kafka().guarantee() == ProcessingGuarantee.EXACTLY_ONCE_V2;
        Runnable flushBeforeDeletes = transactional ? null : forwarder::flushProducer;
        persistedCalls = new PersistedCalls(context.getStateStore(PipelineTopology.IN_FLIGHT_STORE), flushBeforeDeletes, instance.stats());
        List<String> delayTopics = parts.config().delayTopics();
        if (!delayTopics.isEmpty()) {
            attemptByDelayTopic = new HashMap<>();
            for (int i = 0; i < delayTopics.size(); i++) {
                attemptByDelayTopic.put(delayTopics.get(i), i + 2);
            }
            timers = new RetryTimers(context.getStateStore(PipelineTopology.TIMER_STORE), flushBeforeDeletes, instance.stats(),
                    instance.lateness(), clock, parts.config().retry().maxPendingPerTask(), maxBlock);
            releaseTimer = JitteredTimer.start(context, parts.config().retry().releaseInterval(), random, () -> {
                commitHolds.working();
                timers.releaseDue(this::admitRetry);
                if (keyMode != null) {
                    keyMode.admitReleased();
                }
            });
        }
    }

    /** Hands off a key's next request from the completing thread only in persist mode: a drain must end. */
    private KeyMode keyMode(ProcessorContext<byte[], byte[]> context) {
        boolean handOffs = parts.config().commit().mode() == CommitSettings.Mode.PERSIST;
        return new KeyMode(context.getStateStore(PipelineTopology.KEY_ORDER_STORE), parts, decoder, handOffs, new KeyMode.Host() {
            @Override
            public Call admit(Record<byte[], byte[]> record, ProcessorRecordContext origin) {
                return admitFirst(record, origin);
            }

            @Override
            public void awaitFinished(long nanos) {
                WorkProcessor.this.awaitFinished(nanos);
            }

            @Override
            public void releaseDueRetries() {
                if (timers != null) {
                    timers.releaseDue(WorkProcessor.this::admitRetry);
                }
            }

            @Override
            public void adopt(Call started) {
                held++;
                unpersisted.add(started);
                forwardTimer.hurry();
            }
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        commitHolds.working();
        processed++;
        resumeRestoredOnce();
        // Forwards without timing out: the tick does that every forward interval while a call is in flight, and for
        // every record it cost a lock and, with a call in flight, a read of the clock.
        forwardAnswered();
        ProcessorRecordContext origin = forwarder.currentRecordContext();
        if (inputTopic.equals(origin.topic())) {
            Headers trusted = PipelineHeaders.withoutOwn(record.headers());
            Record<byte[], byte[]> request = trusted == record.headers() ? record : record.withHeaders(trusted);
            if (keyMode == null) {
                admitFirst(request, origin);
            } else if (keyMode.enter(request, origin)) {
                keyMode.headAdmitted(request, origin, admitFirst(request, origin));
            }
        } else {
            holdRetry(record, origin);
        }
    }

    /** A record from a delay topic: held until due if its retry state is one the pipeline can have written. */
    private void holdRetry(Record<byte[], byte[]> record, ProcessorRecordContext origin) {
        int expectedAttempt = attemptByDelayTopic.get(origin.topic());
        String invalid;
        RetryState state = null;
        try {
            state = RetryState.read(record.headers());
            invalid = parts.retryPolicy().invalidRetryState(state, expectedAttempt, clock.millis(), CLOCK_SKEW);
        } catch (RetryState.InvalidRetryStateException e) {
            invalid = e.getMessage();
        }
        if (invalid != null) {
            Routed drop = parts.router().drop(record, origin, DropReason.INVALID_RETRY_STATE, invalid, expectedAttempt - 1,
                    PipelineHeaders.get(record.headers(), PipelineHeaders.REQUEST_ID));
            emit(drop);
            if (keyMode != null) {
                keyMode.emitted(drop, record, origin, null);
            }
            return;
        }
        timers.hold(record, state, origin.offset(), this::admitRetry);
    }

    private void admitRetry(RetryTimers.Released released) {
        ProcessorRecordContext origin = forwarder.currentRecordContext();
        Call retry = admit(released.record(), origin, released.state(), released.timerKey(), null);
        if (keyMode != null) {
            keyMode.retryAdmitted(released.record(), origin, retry);
        }
    }

    /**
     * Key mode: a head's retry waits in the timer store at once rather than travel through its delay topic, since its
     * key's later requests wait for it, and under exactly_once_v2 a delay record is read only after its transaction
     * commits (about 100 ms, five times the benchmark's call). The store is changelogged in the same transaction, like
     * the rest of the task's state; with it full, the retry takes the delay topic. Its timer key carries the input
     * offset negated, apart from the delay topics' offsets, so the two kinds of entry never overwrite each other.
     */
    private void holdHeadRetry(Record<byte[], byte[]> retry, Record<byte[], byte[]> request, ProcessorRecordContext origin) {
        timers.hold(retry, RetryState.read(retry.headers()), -1 - KeyMode.originalOffset(request, origin), this::admitRetry);
        forwardedSinceCommit = true;
    }

    /**
     * Decodes, checks the deadline, waits (bounded) for a window slot and starts the call.
     *
     * @return the call, in flight or queued for a slot; null when it was answered at once or dropped
     */
    private Call admitFirst(Record<byte[], byte[]> request, ProcessorRecordContext origin) {
        return admit(request, origin, null, null, null);
    }

    /**
     * @param retried the state of a later attempt; null for a first attempt, whose state starts at the clock reading that
     *                also starts its call (one read per record, since each costs tens of nanoseconds)
     */
    private Call admit(Record<byte[], byte[]> record, ProcessorRecordContext origin, RetryState retried, Bytes timerKey,
                       PersistedCalls.Slot slot) {
        int attempt = retried == null ? 1 : retried.attempt();
        PipelineRecord<?, ?> request;
        try {
            request = parts.binding().read(decoder, record, origin.topic(), origin.partition(), origin.offset(), attempt);
        } catch (RequestDecoder.Undecodable undecodable) {
            emitOutcome(parts.router().drop(record, origin, DropReason.UNDECODABLE, undecodable.getMessage(), attempt - 1, null),
                    record, origin, timerKey, slot, null);
            return null;
        }
        long startNanos = time.nanos();
        long nowMs = time.millis(startNanos);
        RetryState state = retried == null ? RetryState.first(nowMs) : retried;
        Fate.Drop late = request.deadline() == null ? null
                : parts.retryPolicy().beforeCall(state, request.deadline(), Instant.ofEpochMilli(nowMs));
        if (late != null) {
            emitOutcome(parts.router().drop(record, origin, late.reason(), late.error(), state.attempt() - 1, request.requestId()),
                    record, origin, timerKey, slot, null);
            return null;
        }
        held++;
        Call call = new Call(request, record, origin, state, timerKey, slot);
        Call answeredAtOnce = admission.admit(call, startNanos, forwardFinishedNow);
        if (answeredAtOnce != null) {
            forward(answeredAtOnce);
            return null;
        }
        forwardTimer.hurry();
        if (timerKey == null && slot == null) {
            unpersisted.add(call);
        }
        return call;
    }

    /**
     * Calls again, once, the requests the in-flight store held when this processor opened, before any new record is
     * admitted: calls in flight when the task's previous owner (or this instance before a crash) last committed.
     */
    private void resumeRestoredOnce() {
        if (restoredResumed) {
            return;
        }
        restoredResumed = true;
        if (keyMode != null) {
            keyMode.open();
        }
        List<PersistedCalls.Slot> restored = persistedCalls.takeRestored();
        if (restored.isEmpty()) {
            return;
        }
        LOG.info("task {} calls again {} request(s) in flight when it was last committed", context.taskId(), restored.size());
        parts.instance().stats().callsResumed(restored.size());
        for (PersistedCalls.Slot slot : restored) {
            PersistedCalls.Stored stored = slot.stored();
            admit(stored.record(), forwarder.currentRecordContext(), stored.state(), null, slot);
        }
    }

    /**
     * The wall-clock tick: forwards what finished meanwhile, and asks for a commit when the instance has caught up: no
     * record arrived for this task for a whole tick, the instance has no call in flight, and this task wrote output
     * since its last commit. Kafka Streams commits every task of the thread when one asks, and a commit first drains
     * every task's calls, so asking while other tasks are busy would stall the whole window; with nothing in flight
     * the commit costs no drain. While records arrive with nothing in flight, the next tick comes later ({@link ForwardTimer}).
     */
    private void onTick() {
        commitHolds.working();
        resumeRestoredOnce();
        boolean callsAwaitedTick = held > 0;
        forwardFinished();
        if (keyMode != null) {
            keyMode.resumeHandOffs();
            keyMode.admitReleased();
        }
        boolean recordsArrived = processed != processedAtLastTick;
        boolean quiet = !recordsArrived && held == 0 && parts.instance().window().inFlight() == 0;
        processedAtLastTick = processed;
        if (quiet && forwardedSinceCommit && clock.millis() - lastCommitMillis >= CAUGHT_UP_COMMIT_SPACING.toMillis()) {
            context.commit();
        }
        // Records arriving with nothing in flight: each is forwarded as it is processed, and a caught-up commit must wait
        // for them to stop anyway. Once they stop, ticks come at the interval again, so that commit is not late. Not
        // when this tick forwarded the last calls of a burst: the next tick, at the interval, may be the quiet one that
        // commits (bench pc-workload: the commit came up to an idle tick, 50 ms, after the last result).
        if (recordsArrived && !callsAwaitedTick && held == 0) {
            forwardTimer.idle();
        }
    }

    /** Times out overdue calls, then forwards every call that has finished so far, without waiting. */
    private void forwardFinished() {
        dispatcher.expireOverdue();
        forwardAnswered();
    }

    /** Forwards every call that has finished so far (answered, or timed out before), without waiting. */
    private void forwardAnswered() {
        Call call;
        while ((call = finished.poll()) != null) {
            forward(call);
        }
    }

    /**
     * Waits up to {@code nanos}, but no longer than until the oldest call times out, for a finished call; then forwards
     * all finished calls.
     */
    private void awaitFinished(long nanos) {
        dispatcher.expireOverdue();
        Call call;
        try {
            call = finished.poll(Math.min(nanos, dispatcher.nanosUntilNextTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for in-flight calls", e);
        }
        if (call != null) {
            forward(call);
        }
        forwardFinished();
    }

    /** The hook in drain mode: waits until the task has nothing in flight, bounded by the stream thread's blocking bound. */
    private void drainBeforeCommit() {
        long started = commitHolds.hookStarting();
        Duration maxBlock = parts.config().maxBlock();
        long deadline = System.nanoTime() + maxBlock.toNanos();
        forwardFinished();
        while (held > 0) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new IllegalStateException(held + " call(s) still in flight " + maxBlock.toMillis()
                        + " ms into the pre-commit drain although every call times out after pipeline.handler.timeout");
            }
            awaitFinished(remaining);
        }
        persistedCalls.beforeCommit();
        if (timers != null) {
            timers.beforeCommit();
        }
        committing();
        commitHolds.hookDone(started);
    }

    /**
     * The hook in persist mode: forwards what has finished, strikes the persisted requests whose outcomes are routed,
     * then persists the first attempts still in flight, so the commit holds each request either as a routed outcome or
     * in a store. Striking goes first: the store then holds only calls in flight or queued for a slot, never more than
     * twice the window's capacity. When the task is leaving this thread, it first waits (bounded) for its calls, so the
     * next owner repeats few.
     */
    private void persistBeforeCommit() {
        long started = commitHolds.hookStarting();
        forwardFinished();
        boolean leaving = taskIsLeaving();
        if (leaving && keyMode != null) {
            keyMode.stopHandOffs();
        }
        if (held > 0 && leaving) {
            long deadline = System.nanoTime() + parts.config().commit().handoverWait().toNanos();
            long remaining;
            while (held > 0 && (remaining = deadline - System.nanoTime()) > 0) {
                awaitFinished(remaining);
            }
        }
        persistedCalls.beforeCommit();
        if (timers != null) {
            timers.beforeCommit();
        }
        persistedCalls.persist(unpersisted.takeAll());
        committing();
        commitHolds.hookDone(started);
    }

    /**
     * A commit while the stream thread gives up tasks (a rebalance revoked partitions) or stops: the tasks it commits
     * may be closed right after. Outside a stream thread (TopologyTestDriver) a task never leaves.
     */
    private static boolean taskIsLeaving() {
        if (Thread.currentThread() instanceof StreamThread thread) {
            StreamThread.State state = thread.state();
            return state == StreamThread.State.PARTITIONS_REVOKED || state == StreamThread.State.PENDING_SHUTDOWN;
        }
        return false;
    }

    private void committing() {
        forwardedSinceCommit = false;
        lastCommitMillis = clock.millis();
    }

    private void forward(Call call) {
        held--;
        unpersisted.remove(call);
        if (keyMode != null) {
            keyMode.forwarding(call);
        }
        Routed routed = parts.router().route(call, time.millis(call.finishedNanos()), random);
        emitOutcome(routed, call.source(), call.origin(), call.timerKey(), call.slot(), call.handedOff());
    }

    /**
     * Emits the outcome of {@code request}; the entry that held it (a released retry's, or a persisted call's) goes at
     * the next commit, and in key mode a final outcome passes the key on.
     *
     * @param handedOff key mode: the key's next request, already started by the finished call
     */
    private void emitOutcome(Routed routed, Record<byte[], byte[]> request, ProcessorRecordContext origin, Bytes timerKey,
                             PersistedCalls.Slot slot, Call handedOff) {
        if (keyMode != null && KeyMode.holdsRetry(request, routed) && timers.hasRoom()) {
            holdHeadRetry(routed.record(), request, origin);
        } else {
            emit(routed);
        }
        if (keyMode != null) {
            keyMode.emitted(routed, request, origin, handedOff);
        }
        if (slot != null) {
            persistedCalls.routed(slot);
        }
        if (timerKey != null && timers.routed(timerKey)) {
            context.commit();
        }
    }

    private void emit(Routed routed) {
        forwarder.forward(routed.record(), routed.child(), routed.origin());
        forwardedSinceCommit = true;
        if (routed.dropReason() != null) {
            parts.dropLog().dropped(routed.dropReason(), PipelineHeaders.get(routed.record().headers(), PipelineHeaders.REQUEST_ID),
                    PipelineHeaders.get(routed.record().headers(), PipelineHeaders.LAST_ERROR));
        }
    }

    @Override
    public void close() {
        open.set(false);
        if (keyMode != null) {
            keyMode.close();
        }
        if (forwardTimer != null) {
            forwardTimer.cancel();
        }
        if (releaseTimer != null) {
            releaseTimer.cancel();
        }
        if (timers != null) {
            timers.close();
        }
        // Streams commits before a clean close, so every call still in flight is persisted (or drained). Those calls
        // release their window slots as they finish and their outcomes are discarded: the task's next owner calls
        // them again from the store, or, after an unclean close, from the uncommitted input.
    }

}
