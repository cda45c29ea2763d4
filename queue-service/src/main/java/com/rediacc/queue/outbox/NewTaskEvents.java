package com.rediacc.queue.outbox;

import com.rediacc.queue.outbox.OutboxPublisher.OutboxMessage;

import java.time.Instant;
import java.util.UUID;

/**
 * Builds the event of a task that an outbox row names instead of carrying it (sql/create-tasks.sql,
 * V28): the relay sends it as if the row had held it.
 */
public interface NewTaskEvents {
    /**
     * The event of a task created at {@code createdAt} (the outbox row's commit time), with the trace
     * context it was created in (or null). Built the same on every relay pass: a pass Kafka refused
     * sends the very same event again.
     */
    OutboxMessage created(UUID taskId, String team, String machine, int priority, Instant createdAt, String traceParent);
}
