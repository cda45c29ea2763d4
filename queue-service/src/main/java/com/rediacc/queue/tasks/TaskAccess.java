package com.rediacc.queue.tasks;

import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.UUID;

/** Who may touch which task: a task of a team the caller is not in does not exist for them. */
@Singleton
public class TaskAccess {
    @Inject
    TaskQueries queries;
    @Inject
    Requester requester;

    /** The task, if the caller has {@code needed} in its team; otherwise 404 (other team) or 403 (role). */
    public Uni<Task> task(UUID taskId, Role needed) {
        requester.target("task/" + taskId);
        return queries.get(taskId).invoke(task -> check(task, needed));
    }

    public void check(Task task, Role needed) {
        requester.require(task.team(), needed, () -> TaskProblems.unknownTask(task.taskId()));
    }

    /** New tasks for a machine need OPERATOR in its team; a machine of another team is unknown. */
    public void mayCreateOn(String machine, String team) {
        requester.require(team, Role.OPERATOR, () -> TaskProblems.unknownMachine(machine));
    }
}
