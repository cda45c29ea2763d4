package com.rediacc.queue.tasks.lifecycle;

import java.time.Duration;
import java.util.List;

/** Everything that can happen to a task after it was created; {@link TaskStateMachine} says what follows. */
public sealed interface TaskEvent {

    /** A bridge with {@code tags} asks for the task (it was chosen by claim order). */
    record Claim(List<String> tags) implements TaskEvent {
        public Claim {
            tags = List.copyOf(tags);
        }
    }

    /** The bridge holding the lease is about to run the command (its SSH session is up). */
    record Start(long leaseToken) implements TaskEvent {
    }

    /** The bridge holding the lease is still there. */
    record Heartbeat(long leaseToken) implements TaskEvent {
    }

    /** The bridge holding the lease reports how the attempt ended. */
    record AttemptEnded(long leaseToken, AttemptReport report) implements TaskEvent {
    }

    /**
     * The bridge holding the lease gives back a task it never started: it is stopping, or (with a
     * {@code reason}) something the attempt needs was unavailable, so it comes back after {@code retryAfter}.
     */
    record Release(long leaseToken, String reason, Duration retryAfter) implements TaskEvent {
        public Release {
            retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
        }

        /** A stopping bridge gives the task back to its place at once. */
        public Release(long leaseToken) {
            this(leaseToken, null, Duration.ZERO);
        }
    }

    /** Someone cancels the task; {@code reason} (null: "cancelled") is what its error says. */
    record Cancel(String reason) implements TaskEvent {
        public Cancel() {
            this(null);
        }
    }

    /** The task's group releases it: its turn has come in the rollout. */
    record GroupRelease() implements TaskEvent {
    }

    /** The lease ran out: the bridge holding it stopped heartbeating. */
    record LeaseExpired() implements TaskEvent {
    }

    /** A bridge made sure no process of the lost attempt {@code attemptToken} runs any more. */
    record LostAttemptEnded(String attemptToken, String how) implements TaskEvent {
    }

    /** No bridge could end the lost attempt's remote command within {@code waited}. */
    record LostAttemptUnconfirmed(Duration waited) implements TaskEvent {
    }
}
