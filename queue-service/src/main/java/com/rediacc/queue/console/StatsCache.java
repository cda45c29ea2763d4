package com.rediacc.queue.console;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.tasks.QueueStats;
import com.rediacc.queue.tasks.TaskQueries;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queue's counts for the console's streams, shared: every tab that shows the same teams gets
 * the same query's answer for {@code rediacc.console.counts-refresh}, so 20 open tabs cost one count,
 * not twenty, and the count runs every few seconds, not at every tick.
 */
@Singleton
public class StatsCache {
    private static final int MAX_KEYS = 1000;

    @Inject
    TaskQueries queries;
    @Inject
    QueueConfig config;

    /** Counts, and when the query that made them started ({@link System#nanoTime()}). */
    public record Counted(QueueStats stats, long countedAtNanos) {
    }

    private record Entry(Uni<Counted> counted, long expiresAtNanos) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** {@code teams} null: every team. The same answer (the same object) until the next refresh. */
    public Uni<Counted> stats(String team, List<String> teams) {
        String key = team + "|" + (teams == null ? "*" : String.join(",", teams));
        long now = System.nanoTime();
        Entry entry = entries.get(key);
        if (entry == null || now - entry.expiresAtNanos >= 0) {
            if (entries.size() >= MAX_KEYS) {
                entries.clear();
            }
            long fresh = config.console().countsRefresh().toNanos();
            entry = new Entry(queries.stats(team, teams).map(stats -> new Counted(stats, now)).memoize().indefinitely(),
                    now + fresh);
            entries.put(key, entry);
        }
        return entry.counted;
    }
}
