package com.rediacc.queue.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.queue.events.TaskEventFeed;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One browser tab's stream: collects which of the caller's tasks changed (from the event feed) and,
 * at each tick, turns them into at most one message: fresh counts, the changed rows the tab's task
 * list shows, and the new output of the task it follows. Nothing changed, nothing sent.
 */
final class ConsoleTab {
    /** More changed tasks than this in one tick: the tab reloads its list instead of receiving rows. */
    static final int MAX_ROWS = 500;
    /** The most output a tab receives at once: the tail of a long output. */
    static final int OUTPUT_TAIL = 256 * 1024;

    private final ConsoleStreamResource.Scope scope;
    private final ConsoleQueries queries;
    private final StatsCache stats;
    private final ObjectMapper json;
    private final Set<UUID> changed = new LinkedHashSet<>();
    private boolean overflow;
    private boolean groupsChanged;
    private boolean first = true;
    /** When this tab last heard of a change: counts made before it may not show it yet. */
    private long changedAtNanos = System.nanoTime();
    /** The counts last sent may be older than a change: send the next fresh ones. */
    private boolean countsDue = true;
    private StatsCache.Counted countsSent;
    private long outputSent;
    private boolean followEnded;
    long messages;

    ConsoleTab(ConsoleStreamResource.Scope scope, ConsoleQueries queries, StatsCache stats, ObjectMapper json) {
        this.scope = scope;
        this.queries = queries;
        this.stats = stats;
        this.json = json;
        this.followEnded = scope.follow() == null;
    }

    /** From the feed's thread: remembers the task (only of teams the tab may see). */
    void offer(TaskEventFeed.FeedEvent event) {
        if (event.team() == null || !scope.sees(event.team())) {
            return;
        }
        synchronized (this) {
            changedAtNanos = System.nanoTime();
            if (event.type().startsWith("rediacc.task-group.")) {
                groupsChanged = true;
                return;
            }
            if (changed.size() >= MAX_ROWS) {
                overflow = true;
                return;
            }
            try {
                changed.add(UUID.fromString(event.subject()));
            } catch (IllegalArgumentException | NullPointerException e) {
                // not a task event
            }
        }
    }

    /** The tick's message, if anything changed; called once at a time. */
    Uni<Optional<String>> next() {
        List<UUID> ids;
        boolean reload;
        boolean groups;
        long changedAt;
        synchronized (this) {
            changedAt = changedAtNanos;
            ids = new ArrayList<>(changed);
            changed.clear();
            reload = overflow;
            overflow = false;
            groups = groupsChanged;
            groupsChanged = false;
        }
        boolean anything = first || !ids.isEmpty() || reload || groups;
        if (anything) {
            countsDue = true;
        }
        if (!anything && !countsDue && followEnded) {
            return Uni.createFrom().item(Optional.empty());
        }
        first = false;
        Map<String, Object> message = new LinkedHashMap<>();
        Uni<Void> work = Uni.createFrom().voidItem();
        if (countsDue) {
            // the shared counts are counted again every few seconds: sent when they are new to this
            // tab, and looked for at each tick until they were counted after its last change
            work = work.chain(() -> stats.stats(scope.team(), scope.visible()).invoke(counts -> {
                if (counts != countsSent) {
                    message.put("counts", counts.stats());
                    countsSent = counts;
                }
                if (counts.countedAtNanos() - changedAt >= 0) {
                    countsDue = false;
                }
            })).replaceWithVoid();
        }
        if (anything) {
            message.put("changed", ids);
            if (reload) {
                message.put("reload", true);
            }
            if (groups) {
                message.put("groups", true);
            }
        }
        if (scope.tasks() != null && !ids.isEmpty() && !reload) {
            work = work.chain(() -> queries.tasks(scope.tasks(), scope.visible(), null, ids.size(), ids)
                    .invoke(rows -> message.put("tasks", rows))).replaceWithVoid();
        }
        if (!followEnded) {
            work = work.chain(() -> queries.output(scope.follow(), outputSent, OUTPUT_TAIL).invoke(piece -> follow(piece, message)))
                    .replaceWithVoid();
        }
        return work.map(nothing -> {
            if (message.isEmpty()) {
                return Optional.<String>empty();
            }
            messages++;
            try {
                return Optional.of(json.writeValueAsString(message));
            } catch (Exception e) {
                throw new IllegalStateException("a console message that is not JSON", e);
            }
        });
    }

    private void follow(ConsoleQueries.OutputPiece piece, Map<String, Object> message) {
        if (piece == null || !scope.sees(piece.team())) {
            followEnded = true;
            return;
        }
        boolean ended = "COMPLETED".equals(piece.status()) || "FAILED".equals(piece.status()) || "CANCELLED".equals(piece.status());
        if (piece.chunk().isEmpty() && !piece.reset() && !ended) {
            return;
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("taskId", scope.follow());
        output.put("from", piece.from());
        output.put("total", piece.total());
        output.put("chunk", piece.chunk());
        output.put("reset", piece.reset());
        output.put("truncated", piece.truncated());
        if (ended) {
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("status", piece.status());
            end.put("exitCode", piece.exitCode());
            end.put("error", piece.error());
            output.put("end", end);
            followEnded = true;
        }
        outputSent = piece.total();
        message.put("output", output);
    }
}
