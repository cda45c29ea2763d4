package com.rediacc.queue.groups;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.outbox.OutboxRepository.OutboxRow;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.UUID;

/** A group's events on {@code rediacc.task.events} (key = groupId), schema {@value #SCHEMA} (docs/events.md). */
@Singleton
public class GroupEvents {
    public static final String SCHEMA = "urn:rediacc:schema:task-group-event:1";
    public static final String CREATED = "rediacc.task-group.created";
    public static final String FINISHED = "rediacc.task-group.finished";

    @Inject
    OutboxRepository outbox;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Data(UUID groupId, String team, TaskGroup.Status status, int tasks, Integer completed, Integer failed,
                       Integer cancelled, String detail) {
    }

    OutboxRow created(TaskGroup group) {
        return row(CREATED, group.groupId(), new Data(group.groupId(), group.team(), group.status(), group.tasks(), null,
                null, null, null));
    }

    OutboxRow finished(TaskGroup group, TaskGroup.Status status, GroupRollout.Counts counts, String detail) {
        return row(FINISHED, group.groupId(), new Data(group.groupId(), group.team(), status, counts.total(),
                counts.completed(), counts.failed(), counts.cancelled(), detail));
    }

    private OutboxRow row(String type, UUID groupId, Data data) {
        return outbox.row(Topics.TASK_EVENTS, groupId.toString(), CloudEvent.of(UUID.randomUUID().toString(),
                OutboxRepository.SOURCE, type, groupId.toString(), Instant.now(), SCHEMA, data));
    }
}
