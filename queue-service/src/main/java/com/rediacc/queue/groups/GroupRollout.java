package com.rediacc.queue.groups;

/**
 * What a task group does next, given how its tasks stand: release held tasks up to
 * {@code maxParallel} at once, stop (cancel the held rest) once more of them failed than allowed,
 * or end once nothing is held or active. Pure: the caller counts and acts.
 */
public final class GroupRollout {
    private GroupRollout() {
    }

    /** A group's tasks: held (not rolled out yet), active (released and not ended), and how the ended ones ended. */
    public record Counts(int total, int held, int active, int completed, int failed, int cancelled) {
    }

    /** The group's limits: {@code maxFailures} (a count) or {@code maxFailurePercent} (of its tasks), or neither. */
    public record Limits(int maxParallel, Integer maxFailures, Integer maxFailurePercent) {
        boolean exceeded(Counts counts) {
            if (maxFailures != null) {
                return counts.failed() > maxFailures;
            }
            return maxFailurePercent != null && counts.failed() * 100L > (long) maxFailurePercent * counts.total();
        }

        String describe() {
            return maxFailures != null ? "maxFailures " + maxFailures : "maxFailures " + maxFailurePercent + "%";
        }
    }

    public sealed interface Next {
    }

    /** Release this many held tasks (the oldest first). */
    public record Release(int tasks) implements Next {
    }

    /** Too many failed: the held tasks end CANCELLED with {@code reason}; the active ones run on. */
    public record Stop(String reason) implements Next {
    }

    /** Nothing held, nothing active: the group ended {@code status}. */
    public record Finish(TaskGroup.Status status) implements Next {
    }

    /** Nothing to do now. */
    public record Wait() implements Next {
    }

    public static Next next(TaskGroup.Status status, Limits limits, Counts counts) {
        boolean exceeded = limits.exceeded(counts);
        if (status == TaskGroup.Status.RUNNING && exceeded && counts.held() > 0) {
            return new Stop("group stopped: " + counts.failed() + " of its " + counts.total() + " tasks failed, more than "
                    + limits.describe());
        }
        if (counts.held() == 0 && counts.active() == 0) {
            if (status == TaskGroup.Status.RUNNING) {
                return new Finish(exceeded ? TaskGroup.Status.STOPPED : TaskGroup.Status.COMPLETED);
            }
            return new Wait();
        }
        if (status == TaskGroup.Status.RUNNING && counts.held() > 0 && counts.active() < limits.maxParallel()) {
            return new Release(Math.min(limits.maxParallel() - counts.active(), counts.held()));
        }
        return new Wait();
    }
}
