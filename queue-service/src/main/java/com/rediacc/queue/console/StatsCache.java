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
 * The queue's counts for the console's streams, shared: every tab that shows the same teams in the
 * same stream interval gets one query's answer, so 20 open tabs cost one count, not twenty.
 */
@Singleton
public class StatsCache {
    private static final int MAX_KEYS = 1000;

    @Inject
    TaskQueries queries;
    @Inject
    QueueConfig config;

    private record Entry(Uni<QueueStats> stats, long expiresAtNanos) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** {@code teams} null: every team. */
    public Uni<QueueStats> stats(String team, List<String> teams) {
        String key = team + "|" + (teams == null ? "*" : String.join(",", teams));
        long now = System.nanoTime();
        Entry entry = entries.get(key);
        if (entry == null || now - entry.expiresAtNanos >= 0) {
            if (entries.size() >= MAX_KEYS) {
                entries.clear();
            }
            long fresh = config.console().streamInterval().toNanos() * 4 / 5;
            entry = new Entry(queries.stats(team, teams).memoize().indefinitely(), now + fresh);
            entries.put(key, entry);
        }
        return entry.stats;
    }
}
