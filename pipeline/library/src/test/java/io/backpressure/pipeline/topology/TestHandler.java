package io.backpressure.pipeline.topology;

import io.backpressure.pipeline.handler.Outcome;
import io.backpressure.pipeline.handler.RequestHandler;
import io.backpressure.schemas.WorkRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A handler whose answer per request the test chooses; it records every call. */
final class TestHandler implements RequestHandler {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Function<WorkRequest, CompletionStage<Outcome<byte[]>>> answer;

    TestHandler(Function<WorkRequest, CompletionStage<Outcome<byte[]>>> answer) {
        this.answer = answer;
    }

    static TestHandler always(Outcome outcome) {
        return new TestHandler(r -> CompletableFuture.completedFuture(outcome));
    }

    @Override
    public CompletionStage<Outcome<byte[]>> handle(WorkRequest request, int attempt) {
        calls.add(request.getRequestId());
        return answer.apply(request);
    }
}
