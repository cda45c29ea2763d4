package com.rediacc.queue.tasks.maintenance;

import io.smallrye.mutiny.Uni;

import java.util.function.Supplier;

/**
 * A retention duty's batches: one statement of at most {@code size} rows at a time, again while they
 * come back full, at most {@code maxBatches} per run (rediacc.retention.batch-size and batches-per-run),
 * so a backlog is worked off over several runs without holding up the other duties.
 */
public final class Batches {
    /** Rows done and the batches that did some. */
    public record Done(int rows, int batches) {
    }

    private Batches() {
    }

    /** {@code batch} resolves to the rows it did. */
    public static Uni<Done> whileFull(Supplier<Uni<Integer>> batch, int size, int maxBatches) {
        return next(batch, size, maxBatches, new Done(0, 0));
    }

    private static Uni<Done> next(Supplier<Uni<Integer>> batch, int size, int maxBatches, Done so) {
        return batch.get().flatMap(n -> {
            Done done = new Done(so.rows() + n, so.batches() + (n > 0 ? 1 : 0));
            return n == size && done.batches() < maxBatches ? next(batch, size, maxBatches, done)
                    : Uni.createFrom().item(done);
        });
    }
}
