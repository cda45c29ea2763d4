package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.tasks.TaskTransitions;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Sends a wake-up again for every machine a query finds; a duplicate costs one empty claim. */
final class WakeUpRedispatcher {
    private WakeUpRedispatcher() {
    }

    static Uni<List<String>> redispatch(TaskTransitions transitions, Supplier<Uni<List<String>>> machines,
                                        Function<String, OutboxRow> wakeUp) {
        return machines.get().call(found -> found.isEmpty() ? Uni.createFrom().voidItem()
                : transitions.inTransaction(work -> work.publish(found.stream().map(wakeUp).toList())));
    }
}
