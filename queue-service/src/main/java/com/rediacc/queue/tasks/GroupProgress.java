package com.rediacc.queue.tasks;

import io.smallrye.mutiny.Uni;

import java.util.Set;
import java.util.UUID;

/**
 * What follows, in the same transaction, when tasks of task groups ended: each group releases its
 * next tasks, stops, or ends (groups/GroupProgressService). A port, so that tasks need not know groups.
 */
public interface GroupProgress {
    Uni<Void> tasksEnded(TaskTransitions.UnitOfWork work, Set<UUID> groupIds);
}
