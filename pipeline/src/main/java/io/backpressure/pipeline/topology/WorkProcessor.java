package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.FailureClassifier;
import io.backpressure.pipeline.outcome.DropReason;
import io.backpressure.pipeline.outcome.PipelineHeaders;
import io.backpressure.pipeline.serde.SerdeException;
import io.backpressure.pipeline.topology.internal.DrainHookStore;
import io.backpressure.pipeline.topology.internal.JitteredTimer;
import io.backpressure.pipeline.topology.internal.StreamThreadForwarder;
import io.backpressure.pipeline.window.Window;
import io.backpressure.schemas.WorkRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * The per-task processor: decode, admit into the window, dispatch to the handler, and forward finished calls.
 * Finished calls are forwarded only on the stream thread: from {@code process()}, from a jittered wall-clock timer,
 * and from the drain-before-commit hook, which waits until the task has nothing in flight. So an offset is never
 * committed for a request whose outcome has not been written.
 *
 * <p>Once the instance has caught up, a task asks for a commit at once rather than at the next commit interval, so
 * committed-offset lag reads 0 as soon as the work is done (under at_least_once the interval is 30 s by default).
 */
final class WorkProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    /**
     * At most one caught-up commit per second. Under load a partition can look quiet for a tick while its next fetch is
     * on the way; without this bound that asked for about ten commits a second, each flushing the producer.
     */
    private static final Duration CAUGHT_UP_COMMIT_SPACING = Duration.ofSeconds(1);

    private final PipelineParts parts;
    private final LinkedBlockingQueue<Call> finished = new LinkedBlockingQueue<>();
    private final RandomGenerator random;
    private StreamThreadForwarder<byte[], byte[]> forwarder;
    private Dispatcher dispatcher;
    private Admission admission;
    private JitteredTimer timer;
    private ProcessorContext<byte[], byte[]> context;
    private int held;
    private long processed;
    private long processedAtLastTick;
    private boolean forwardedSinceCommit;
    /** None yet (half of MIN_VALUE so the subtraction cannot overflow): a first caught-up commit need not wait. */
    private long lastCommitMillis = Long.MIN_VALUE / 2;

    WorkProcessor(PipelineParts parts, RandomGenerator random) {
        this.parts = parts;
        this.random = random;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        forwarder = new StreamThreadForwarder<>(context);
        Window window = parts.window();
        dispatcher = new Dispatcher(parts.handler(), window, parts.handlerTimeout(), finished, parts.stats(), parts.outcomeListener(),
                parts.clock());
        admission = new Admission(window, parts.maxBlock());
        DrainHookStore hook = context.getStateStore(PipelineTopology.DRAIN_HOOK_STORE);
        hook.beforeCommit(this::drainBeforeCommit);
        timer = JitteredTimer.start(context, parts.forwardInterval(), random, this::onTick);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        processed++;
        forwardFinished();
        ProcessorRecordContext origin = forwarder.currentRecordContext();
        WorkRequest request;
        try {
            request = decode(record, origin);
        } catch (Undecodable undecodable) {
            emit(parts.router().drop(record, origin, DropReason.UNDECODABLE, undecodable.getMessage(), 0, null));
            return;
        }
        Clock clock = parts.clock();
        int attempt = (int) PipelineHeaders.getLong(record.headers(), PipelineHeaders.ATTEMPT, 1);
        Instant deadline = parts.retryPolicy().deadlineOf(request.getDeadline(), request.getCreatedAt());
        if (deadline != null && !clock.instant().isBefore(deadline)) {
            emit(parts.router().drop(record, origin, DropReason.DEADLINE_EXCEEDED, "deadline " + deadline + " passed before attempt "
                    + attempt, attempt - 1, request.getRequestId()));
            return;
        }
        Duration previousDelay = Duration.ofMillis(PipelineHeaders.getLong(record.headers(), PipelineHeaders.RETRY_DELAY_MS, 0));
        admission.acquire(this::forwardFinished);
        held++;
        Call answeredAtOnce = dispatcher.dispatch(new Call(request, record, origin, attempt, previousDelay, deadline, clock.millis(), null));
        if (answeredAtOnce != null) {
            forward(answeredAtOnce);
        }
    }

    /** Decodes the value; throws {@link Undecodable} for bytes that will never decode. */
    private WorkRequest decode(Record<byte[], byte[]> record, ProcessorRecordContext origin) {
        if (record.value() == null || record.value().length == 0) {
            throw new Undecodable("empty value");
        }
        if (record.value().length > parts.maxValueBytes()) {
            throw new Undecodable("value of " + record.value().length + " bytes exceeds " + parts.maxValueBytes());
        }
        WorkRequest request = deserializeWaitingOutRegistryTrouble(record, origin);
        if (request == null) {
            throw new Undecodable("value decoded to null");
        }
        return request;
    }

    /**
     * A registry that is down or failing says nothing about the record, so the record must not be dropped for it: retry
     * with jittered, doubling waits within the stream thread's blocking bound, then fail the thread (Kafka Streams
     * replaces it and the uncommitted record is read again) instead of losing a valid request.
     */
    private WorkRequest deserializeWaitingOutRegistryTrouble(Record<byte[], byte[]> record, ProcessorRecordContext origin) {
        long deadline = System.nanoTime() + parts.maxBlock().toNanos();
        long waitMs = 50;
        while (true) {
            try {
                return parts.requestDeserializer().deserialize(origin.topic(), record.headers(), record.value());
            } catch (SerdeException e) {
                if (!e.retriable()) {
                    throw new Undecodable(FailureClassifier.describe(e));
                }
                long jittered = (long) (waitMs * (0.5 + random.nextDouble()));
                if (System.nanoTime() + jittered * 1_000_000 > deadline) {
                    throw new StreamsException("schema registry unavailable for " + parts.maxBlock().toMillis()
                            + " ms while decoding " + origin.topic() + "-" + origin.partition() + "@" + origin.offset() + ": " + e.getMessage(), e);
                }
                sleep(jittered);
                waitMs = Math.min(waitMs * 2, 2000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamsException("interrupted while waiting for the schema registry", e);
        }
    }

    /** Bytes that will never decode into a request, whatever is retried. */
    private static final class Undecodable extends RuntimeException {
        Undecodable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The wall-clock tick: forwards what finished meanwhile, and asks for a commit when the instance has caught up: no
     * record arrived for this task for a whole tick, the instance has no call in flight, and this task wrote output
     * since its last commit. Kafka Streams commits every task of the thread when one asks, and a commit first drains
     * every task's calls, so asking while other tasks are busy would stall the whole window; with nothing in flight
     * the commit costs no drain.
     */
    private void onTick() {
        forwardFinished();
        boolean quiet = processed == processedAtLastTick && held == 0 && parts.window().inFlight() == 0;
        processedAtLastTick = processed;
        if (quiet && forwardedSinceCommit && parts.clock().millis() - lastCommitMillis >= CAUGHT_UP_COMMIT_SPACING.toMillis()) {
            context.commit();
        }
    }

    /** Times out overdue calls, then forwards every call that has finished so far, without waiting. */
    private void forwardFinished() {
        dispatcher.expireOverdue();
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
            call = finished.poll(Math.min(nanos, dispatcher.nanosUntilNextTimeout()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for in-flight calls", e);
        }
        if (call != null) {
            forward(call);
        }
        forwardFinished();
    }

    private void drainBeforeCommit() {
        long deadline = System.nanoTime() + parts.maxBlock().toNanos();
        forwardFinished();
        while (held > 0) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new IllegalStateException(held + " call(s) still in flight " + parts.maxBlock().toMillis()
                        + " ms into the pre-commit drain although every call times out after pipeline.handler.timeout");
            }
            awaitFinished(remaining);
        }
        forwardedSinceCommit = false;
        lastCommitMillis = parts.clock().millis();
    }

    private void forward(Call call) {
        held--;
        emit(parts.router().route(call, random));
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
        if (timer != null) {
            timer.cancel();
        }
        // A clean close has drained already (Streams commits before closing a task). After an unclean close the
        // remaining calls release their window slots as they finish and their outcomes are discarded: their records
        // were not committed, so they will be processed again.
    }

}
