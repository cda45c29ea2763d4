package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;

import java.util.EnumSet;
import java.util.Set;

/** What {@link TaskStateMachine} decided for one event: the task moves, stays as it is, or the event is refused. */
public sealed interface Decision {

    /** The event changes the task; the store writes {@code progress} and {@code lease}, and what {@code recording} says. */
    record Move(Task before, TaskProgress progress, Lease lease, Recording recording, String detail,
                Set<FollowUp> followUps) implements Decision {
        public Move {
            followUps = followUps.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(followUps));
        }

        public TaskStatus from() {
            return before.status();
        }

        public TaskStatus to() {
            return progress.status();
        }

        /** The task as it is once the move is written (output as stored when the move keeps it). */
        public Task after() {
            return before.with(progress);
        }

        /** Which time the move stamps on the task. */
        public Stamp stamp() {
            if (to() == from()) {
                return Stamp.NONE;
            }
            return switch (to()) {
                case ASSIGNED -> Stamp.ASSIGNED_AT;
                case PROCESSING -> Stamp.STARTED_AT;
                case COMPLETED, FAILED, CANCELLED -> Stamp.COMPLETED_AT;
                case PENDING -> Stamp.NONE;
            };
        }
    }

    /** Nothing to write; the event is answered as done ({@code reason} says why nothing changed). */
    record Stay(String reason) implements Decision {
    }

    /** The event does not apply to the task as it is; nothing changes. */
    record Refuse(Refusal refusal, String detail) implements Decision {
    }

    /** What happens to the task's lease. */
    enum Lease {
        /** A new lease: holder, fencing token, expiry and attempt token. */
        GRANT,
        /** The holder keeps it for another lease duration. */
        RENEW,
        /** As it is. */
        KEEP,
        /** Gone: the task is settled, back in the queue or ended. */
        CLEAR,
        /**
         * The running attempt is lost: the lease goes (the lost bridge is fenced out), the attempt
         * token and remote process group stay, so a bridge can end the remote command.
         */
        LOSE
    }

    /** What of the move is written down besides the task row. */
    enum Recording {
        /** Lease bookkeeping only. */
        NONE,
        /** A history entry, no event (the status did not change). */
        HISTORY,
        /** A history entry and a task event. */
        HISTORY_AND_EVENT
    }

    enum Stamp { NONE, ASSIGNED_AT, STARTED_AT, COMPLETED_AT }

    /** What else the move sets off once committed. */
    enum FollowUp {
        /** The task is ready now: wake the bridge serving its machine. */
        WAKE_MACHINE,
        /** A bridge serving the machine must end the lost attempt's remote command. */
        END_LOST_ATTEMPT,
        /** The task failed for good and asked for an alert. */
        ALERT,
        /** The task ended and has an onExit command: it runs next, as a task of its own. */
        ON_EXIT,
        /** A task of a group ended: the group may release its next tasks, or stop. */
        GROUP_PROGRESS
    }

    enum Refusal {
        /** The reporter does not hold the task's current lease: expired, reassigned, cancelled or ended. */
        LEASE_NOT_HELD,
        /** The task already ended. */
        ALREADY_ENDED,
        /** The event does not apply in the task's state. */
        NOT_APPLICABLE
    }
}
