package io.backpressure.pipeline.handler;

import io.backpressure.pipeline.config.CapacitySchedule;
import io.backpressure.pipeline.config.HandlerSettings;
import io.backpressure.schemas.WorkRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a real service: each call takes a random service time and fails with a configured probability.
 * With a concurrency limit it behaves like a server with that many workers and an unbounded queue in front, so
 * offered load above its capacity shows up as growing latency, as with a real overloaded service.
 * It records the most calls it ever had outstanding, which the tests compare with the pipeline's window. Its worker
 * count can change while it runs, on a schedule or by {@link #setConcurrency}, as a real service's capacity does after
 * a deploy, a failover or next to a noisy neighbour.
 */
public final class SimulatedDownstream implements RequestHandler {
    private final HandlerSettings.SimulatedDownstream settings;
    private final ScheduledExecutorService timer;
    private final Random random;
    private final Queue<Call> waiting = new ArrayDeque<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private int busyWorkers;
    private int workers;

    public SimulatedDownstream(HandlerSettings.SimulatedDownstream settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulated-downstream");
            t.setDaemon(true);
            return t;
        });
        this.workers = settings.concurrency();
        for (CapacitySchedule.Step step : settings.capacitySchedule().steps()) {
            timer.schedule(() -> setConcurrency(step.workers()), step.after().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Serves {@code workers} calls at once from now on (0 = unlimited); calls beyond it wait in the queue. */
    public void setConcurrency(int workers) {
        synchronized (this) {
            this.workers = workers;
            Call next;
            while (hasFreeWorker() && (next = waiting.poll()) != null) {
                busyWorkers++;
                serve(next);
            }
        }
    }

    /** The workers serving at once now; 0 for unlimited. */
    public synchronized int concurrency() {
        return workers;
    }

    /** Calls being served right now (not waiting in the queue). */
    public synchronized int serving() {
        return busyWorkers;
    }

    private boolean hasFreeWorker() {
        return workers == 0 || busyWorkers < workers;
    }

    @Override
    public CompletionStage<Outcome<byte[]>> handle(WorkRequest request, int attempt) {
        int now = outstanding.incrementAndGet();
        maxOutstanding.accumulateAndGet(now, Math::max);
        Call call = new Call(request, new CompletableFuture<>());
        synchronized (this) {
            if (hasFreeWorker()) {
                busyWorkers++;
                serve(call);
            } else {
                waiting.add(call);
            }
        }
        return call.result;
    }

    /** The most calls that were ever outstanding at once (queued in the downstream or being served). */
    public int maxOutstanding() {
        return maxOutstanding.get();
    }

    public int outstanding() {
        return outstanding.get();
    }

    private void serve(Call call) {
        long serviceNanos = serviceTime().toNanos();
        boolean fails = settings.failureRate() > 0 && nextDouble() < settings.failureRate();
        timer.schedule(() -> finish(call, fails), serviceNanos, TimeUnit.NANOSECONDS);
    }

    private void finish(Call call, boolean fails) {
        synchronized (this) {
            // A worker beyond a lowered count retires instead of taking the next call.
            Call next = busyWorkers <= workers || workers == 0 ? waiting.poll() : null;
            if (next != null) {
                serve(next);
            } else {
                busyWorkers--;
            }
        }
        outstanding.decrementAndGet();
        if (fails) {
            call.result.complete(new Outcome.RetryableFailure<>("SimulatedFailure: downstream returned an error"));
        } else {
            call.result.complete(Outcome.success(("done:" + call.request.getRequestId()).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private Duration serviceTime() {
        long meanNanos = settings.latency().toNanos();
        return switch (settings.distribution()) {
            case "fixed" -> settings.latency();
            case "exponential" -> Duration.ofNanos((long) (-Math.log(1 - nextDouble()) * meanNanos));
            default -> Duration.ofNanos((long) (nextDouble() * 2 * meanNanos));
        };
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private record Call(WorkRequest request, CompletableFuture<Outcome<byte[]>> result) {
    }
}
