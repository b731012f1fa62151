package io.backpressure.pipeline.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnpersistedCallsTest {
    private static Call call() {
        return new Call(null, null, null, null, null, null);
    }

    @Test
    void aCommitPersistsTheCallsStillInFlightOldestFirst() {
        UnpersistedCalls calls = new UnpersistedCalls();
        Call a = call();
        Call b = call();
        Call c = call();
        Call d = call();
        Call e = call();
        for (Call started : List.of(a, b, c, d, e)) {
            calls.add(started);
        }
        calls.remove(a);
        calls.remove(c);
        calls.remove(e);
        assertEquals(List.of(b, d), calls.takeAll());
        assertTrue(calls.isEmpty());
        assertEquals(List.of(), calls.takeAll());
    }

    @Test
    void theLastCallForwardedEmptiesTheList() {
        UnpersistedCalls calls = new UnpersistedCalls();
        Call a = call();
        Call b = call();
        calls.add(a);
        calls.add(b);
        calls.remove(b);
        calls.remove(a);
        assertTrue(calls.isEmpty());
        Call c = call();
        calls.add(c);
        assertEquals(List.of(c), calls.takeAll());
    }

    /** As a set: a call adopted twice is persisted once, and a call not in the list (persisted, a retry) is left alone. */
    @Test
    void addingTwiceOrRemovingACallNotInTheListChangesNothing() {
        UnpersistedCalls calls = new UnpersistedCalls();
        Call persisted = call();
        calls.add(persisted);
        assertEquals(List.of(persisted), calls.takeAll());
        Call a = call();
        calls.add(a);
        calls.add(a);
        calls.remove(persisted);
        calls.remove(call());
        assertFalse(calls.isEmpty());
        assertEquals(List.of(a), calls.takeAll());
    }
}
