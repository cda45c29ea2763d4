package com.rediacc.queue.tasks.maintenance;

import io.smallrye.mutiny.Uni;

/**
 * One duty of the queue's upkeep, run by {@link Maintenance} on every replica at once: each must
 * be safe to run concurrently with itself elsewhere (SKIP LOCKED, or idempotent messages).
 * {@link #runOnce()} does the duty once and says what it did.
 */
public interface MaintenanceService<R> {
    Uni<R> runOnce();
}
