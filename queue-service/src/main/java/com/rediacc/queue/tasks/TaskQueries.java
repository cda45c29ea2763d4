package com.rediacc.queue.tasks;

import com.rediacc.queue.tasks.store.TaskStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Reads: one task, its history, lists and the queue's counts. Who may see what is checked by the callers. */
@Singleton
public class TaskQueries {
    @Inject
    TaskStore tasks;

    public Uni<Task> get(UUID taskId) {
        return tasks.find(taskId).map(found -> found.orElseThrow(() -> TaskProblems.unknownTask(taskId)));
    }

    public Uni<List<HistoryEntry>> history(UUID taskId) {
        return get(taskId).flatMap(tasks::history);
    }

    public Uni<List<Task>> list(TaskFilter filter, List<String> teams, Long beforeSeq, int limit) {
        return tasks.list(filter, teams, beforeSeq, limit);
    }

    /** {@code teams} null: every team. The counts and the oldest age are read at once, on two connections. */
    public Uni<QueueStats> stats(String team, List<String> teams) {
        return Uni.combine().all().unis(tasks.stats(team, teams), tasks.oldestPendingAge(team, teams)).asTuple().map(read -> {
            EnumMap<TaskStatus, Long> byStatus = new EnumMap<>(TaskStatus.class);
            TreeMap<Integer, Map<TaskStatus, Long>> byPriority = new TreeMap<>();
            for (TaskStatus status : TaskStatus.values()) {
                byStatus.put(status, 0L);
            }
            for (Row row : read.getItem1()) {
                TaskStatus status = TaskStatus.valueOf(row.getString("status"));
                long count = row.getLong("tasks");
                byStatus.merge(status, count, Long::sum);
                byPriority.computeIfAbsent((int) row.getShort("priority"), p -> new EnumMap<>(TaskStatus.class))
                        .merge(status, count, Long::sum);
            }
            return new QueueStats(byStatus, byPriority, read.getItem2());
        });
    }
}
