package com.rediacc.queue.audit;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Appends audit records with group commit: records that arrive while an insert is in flight are
 * written together by the next one, in one multi-row statement. Each caller's Uni completes only
 * when its own record is committed, so an answer never leaves before its record is stored. A
 * change that writes its own record in its transaction (task creation) does not come here.
 */
@Singleton
public class AuditWriter {
    static final int MAX_BATCH = 500;

    @Inject
    Pool pool;

    private record Pending(NewRecord record, CompletableFuture<Void> stored) {
    }

    /** What a call leaves in the trail; {@code id} and {@code at} come from the database. */
    public record NewRecord(String actor, String team, String action, String target, int status, String requestId) {
    }

    private final List<Pending> queue = new ArrayList<>();
    private boolean writing;

    public Uni<Void> append(NewRecord record) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        boolean startWriting;
        synchronized (this) {
            queue.add(new Pending(record, stored));
            startWriting = !writing;
            writing = true;
        }
        if (startWriting) {
            writeQueued();
        }
        return Uni.createFrom().completionStage(stored);
    }

    private void writeQueued() {
        List<Pending> batch;
        synchronized (this) {
            if (queue.isEmpty()) {
                writing = false;
                return;
            }
            batch = new ArrayList<>(queue.subList(0, Math.min(MAX_BATCH, queue.size())));
            queue.subList(0, batch.size()).clear();
        }
        insert(batch).subscribe().with(
                done -> {
                    batch.forEach(pending -> pending.stored().complete(null));
                    writeQueued();
                },
                failure -> {
                    batch.forEach(pending -> pending.stored().completeExceptionally(failure));
                    writeQueued();
                });
    }

    private Uni<Void> insert(List<Pending> batch) {
        return AuditRepository.append(pool, batch.stream().map(Pending::record).toList());
    }
}
