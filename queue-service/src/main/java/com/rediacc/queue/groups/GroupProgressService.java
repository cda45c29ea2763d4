package com.rediacc.queue.groups;

import com.rediacc.queue.tasks.GroupProgress;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskTransitions;
import com.rediacc.queue.tasks.lifecycle.Decision;
import com.rediacc.queue.tasks.lifecycle.TaskEvent;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Moves task groups on when their tasks end, in the transaction that ended them: the group's row is
 * locked (its tasks end one group decision at a time), its tasks counted, and {@link GroupRollout}
 * says whether to release held tasks, stop, or end.
 */
@Singleton
public class GroupProgressService implements GroupProgress {
    @Inject
    TaskGroupRepository groups;
    @Inject
    GroupEvents events;

    @Override
    public Uni<Void> tasksEnded(TaskTransitions.UnitOfWork work, Set<UUID> groupIds) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID groupId : groupIds) {
            chain = chain.chain(() -> advance(work, groupId));
        }
        return chain;
    }

    /** One group, decided on its counts now; also after a cancel or a stop, to mark its end. */
    Uni<Void> advance(TaskTransitions.UnitOfWork work, UUID groupId) {
        return groups.lock(work.tx(), groupId).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            TaskGroup group = found.get();
            return groups.counts(work.tx(), groupId).flatMap(counts -> switch (GroupRollout.next(group.status(),
                    group.limits(), counts)) {
                case GroupRollout.Release release -> move(work, group, release.tasks(), new TaskEvent.GroupRelease());
                case GroupRollout.Stop stop -> move(work, group, counts.held(), new TaskEvent.Cancel(stop.reason()))
                        .chain(() -> groups.setStatus(work.tx(), groupId, TaskGroup.Status.STOPPED, stop.reason()))
                        .chain(() -> counts.active() == 0 ? end(work, group, TaskGroup.Status.STOPPED, stop.reason())
                                : Uni.createFrom().voidItem());
                case GroupRollout.Finish finish -> end(work, group, finish.status(), group.detail());
                case GroupRollout.Wait ignored -> counts.held() == 0 && counts.active() == 0 && group.finishedAt() == null
                        ? end(work, group, group.status(), group.detail()) : Uni.createFrom().voidItem();
            });
        });
    }

    /** {@code event} on up to {@code count} of the group's held tasks, oldest first. */
    private Uni<Void> move(TaskTransitions.UnitOfWork work, TaskGroup group, int count, TaskEvent event) {
        if (count == 0) {
            return Uni.createFrom().voidItem();
        }
        return groups.lockHeld(work.tx(), group.groupId(), count).flatMap(held -> {
            List<Decision.Move> moves = new ArrayList<>();
            for (Task task : held) {
                if (work.decide(task, event) instanceof Decision.Move move) {
                    moves.add(move);
                }
            }
            return work.writeForGroup(moves, "group:" + group.groupId()).replaceWithVoid();
        });
    }

    private Uni<Void> end(TaskTransitions.UnitOfWork work, TaskGroup group, TaskGroup.Status status, String detail) {
        return groups.counts(work.tx(), group.groupId())
                .flatMap(counts -> work.publish(List.of(events.finished(group, status, counts, detail))))
                .chain(() -> groups.finish(work.tx(), group.groupId(), status));
    }
}
