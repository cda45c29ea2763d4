package com.rediacc.queue.groups;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A task group as the API shows it: its settings, its tasks counted per status ({@code held}: not
 * rolled out yet), how far it got, and one row per machine.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskGroupView(UUID groupId, String team, TaskGroup.Status status, String command, String function,
                            Integer functionVersion, int maxParallel, Integer maxFailures, Integer maxFailurePercent, int tasks,
                            Map<TaskStatus, Integer> counts, int held, int ended, UUID retriedFrom, String detail,
                            Instant createdAt, String createdBy, Instant finishedAt, List<MachineRow> machines) {

    /** One machine of the group: its task and how it stands. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MachineRow(String machine, UUID taskId, TaskStatus status, boolean held, Integer exitCode, String error,
                             int attempts) {
    }

    static TaskGroupView of(TaskGroup g, List<Task> tasks) {
        Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
        int held = 0;
        int ended = 0;
        for (Task task : tasks) {
            counts.merge(task.status(), 1, Integer::sum);
            held += task.held() ? 1 : 0;
            ended += task.status().terminal() ? 1 : 0;
        }
        List<MachineRow> rows = tasks.stream().map(t -> new MachineRow(t.machine(), t.taskId(), t.status(), t.held(),
                t.exitCode(), t.error(), t.attempts())).toList();
        return new TaskGroupView(g.groupId(), g.team(), g.status(), g.command(), g.functionName(), g.functionVersion(),
                g.maxParallel(), g.maxFailures(), g.maxFailurePercent(), g.tasks(), counts, held, ended, g.retriedFrom(), g.detail(), g.createdAt(),
                g.createdBy(), g.finishedAt(), rows);
    }
}
