package io.backpressure.pipeline.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * A task's first attempts in flight that no commit has persisted yet (persist mode), oldest first. The list runs
 * through the calls themselves: adding a call and taking it out when it is forwarded cost no hashing and no
 * allocation, where a hash set took an identity hash code and a node for each call, a few per cent of the stream
 * thread with a handler that answers on another thread. Stream thread only.
 */
final class UnpersistedCalls {
    private Call oldest;
    private Call newest;
    private int size;

    /** Adds the call, unless it is in the list already. */
    void add(Call call) {
        if (call.unpersisted) {
            return;
        }
        call.unpersisted = true;
        call.olderUnpersisted = newest;
        call.newerUnpersisted = null;
        if (newest == null) {
            oldest = call;
        } else {
            newest.newerUnpersisted = call;
        }
        newest = call;
        size++;
    }

    /** Takes the call out, if it is in the list. */
    void remove(Call call) {
        if (!call.unpersisted) {
            return;
        }
        Call older = call.olderUnpersisted;
        Call newer = call.newerUnpersisted;
        if (older == null) {
            oldest = newer;
        } else {
            older.newerUnpersisted = newer;
        }
        if (newer == null) {
            newest = older;
        } else {
            newer.olderUnpersisted = older;
        }
        unlink(call);
        size--;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Every call in the list, oldest first; the list is empty afterwards. */
    List<Call> takeAll() {
        if (size == 0) {
            return List.of();
        }
        List<Call> all = new ArrayList<>(size);
        Call call = oldest;
        while (call != null) {
            Call newer = call.newerUnpersisted;
            unlink(call);
            all.add(call);
            call = newer;
        }
        oldest = null;
        newest = null;
        size = 0;
        return all;
    }

    /** Drops the call's links, so a forwarded call keeps none of the calls still in flight alive. */
    private static void unlink(Call call) {
        call.unpersisted = false;
        call.olderUnpersisted = null;
        call.newerUnpersisted = null;
    }
}
