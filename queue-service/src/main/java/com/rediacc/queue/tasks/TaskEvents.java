package com.rediacc.queue.tasks;

import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.outbox.NewTaskEvents;
import com.rediacc.queue.outbox.OutboxPublisher.OutboxMessage;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import com.rediacc.queue.tasks.lifecycle.Decision;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The outbox messages of a task's transitions (schemas in docs/events.md). */
@Singleton
public class TaskEvents implements NewTaskEvents {
    public static final String TASK_FAILED_ALERT = "rediacc.alert.task-failed";

    @Inject
    OutboxRepository outbox;

    /**
     * A new task's event, built by the relay from what the outbox row names: the same data
     * {@link TaskEventData#of} gives for the stored task. Its id is the task's id (a UUID version 7,
     * where every other event's id is a random version 4), so a pass sent again repeats it exactly.
     */
    @Override
    public OutboxMessage created(UUID taskId, String team, String machine, int priority, Instant createdAt,
                                 String traceParent) {
        return new OutboxMessage(Topics.TASK_EVENTS, taskId.toString(),
                NewTaskEventJson.write(taskId, team, machine, priority, createdAt.toString()), traceParent);
    }

    /** What a move sends, in this order: its task event, then the wake-ups and the alert it sets off. */
    public List<OutboxRow> of(Decision.Move move) {
        List<OutboxRow> rows = new ArrayList<>(2);
        Task after = move.after();
        if (move.recording() == Decision.Recording.HISTORY_AND_EVENT) {
            rows.add(outbox.row(Topics.TASK_EVENTS, after.taskId().toString(),
                    event(after, move.from(), TaskEventData.type(after.status()))));
        }
        for (Decision.FollowUp followUp : move.followUps()) {
            switch (followUp) {
                case WAKE_MACHINE -> rows.add(outbox.machineReadyRow(after.machine()));
                case END_LOST_ATTEMPT -> rows.add(outbox.lostAttemptsFoundRow(after.machine()));
                case ALERT -> rows.add(outbox.row(Topics.ALERTS, after.taskId().toString(),
                        event(after, move.from(), TASK_FAILED_ALERT)));
                case ON_EXIT, GROUP_PROGRESS -> {
                    // done in the move's transaction (TaskTransitions): a task of its own, with its own
                    // event; the group's next tasks, or its end
                }
            }
        }
        return rows;
    }

    private static CloudEvent<TaskEventData> event(Task task, TaskStatus from, String type) {
        return CloudEvent.of(UUID.randomUUID().toString(), OutboxRepository.SOURCE, type, task.taskId().toString(),
                Instant.now(), TaskEventData.SCHEMA, TaskEventData.of(task, from));
    }
}
