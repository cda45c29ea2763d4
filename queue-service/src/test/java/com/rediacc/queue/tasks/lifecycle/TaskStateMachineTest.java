package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.lifecycle.Decision.FollowUp;
import com.rediacc.queue.tasks.lifecycle.Decision.Lease;
import com.rediacc.queue.tasks.lifecycle.Decision.Move;
import com.rediacc.queue.tasks.lifecycle.Decision.Recording;
import com.rediacc.queue.tasks.lifecycle.Decision.Refuse;
import com.rediacc.queue.tasks.lifecycle.Decision.Stay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every state a task can be in, against every event, legal and illegal: the whole of
 * docs/state-machine.md as one table. A row reads "in this state, on this event, the task goes
 * to / stays / is refused".
 */
class TaskStateMachineTest {
    static final Instant NOW = TaskStates.NOW;
    static final long LEASE = TaskStates.LEASE;
    static final String ATTEMPT = TaskStates.ATTEMPT;

    enum Event {
        CLAIM, START, START_STALE, HEARTBEAT, HEARTBEAT_STALE, ENDED_SUCCEEDED, ENDED_FAILED, ENDED_CONNECTION_LOST, ENDED_NOT_RUN,
        ENDED_STALE, RELEASE, RELEASE_UNAVAILABLE, RELEASE_STALE, CANCEL, LEASE_EXPIRED, LOST_ENDED, LOST_ENDED_OTHER_ATTEMPT,
        LOST_UNCONFIRMED, GROUP_RELEASE
    }

    /**
     * "STATUS" for a move (with "lost", "cancel-requested" or "renewed" where that is the change),
     * "STAY", or the refusal. The tasks of the table have no retry left and are not resumable.
     */
    static final String TABLE = """
            PENDING                     CLAIM                     ASSIGNED
            PENDING                     START                     LEASE_NOT_HELD
            PENDING                     START_STALE               LEASE_NOT_HELD
            PENDING                     HEARTBEAT                 LEASE_NOT_HELD
            PENDING                     HEARTBEAT_STALE           LEASE_NOT_HELD
            PENDING                     ENDED_SUCCEEDED           LEASE_NOT_HELD
            PENDING                     ENDED_FAILED              LEASE_NOT_HELD
            PENDING                     ENDED_CONNECTION_LOST     LEASE_NOT_HELD
            PENDING                     ENDED_NOT_RUN             LEASE_NOT_HELD
            PENDING                     ENDED_STALE               LEASE_NOT_HELD
            PENDING                     RELEASE                   LEASE_NOT_HELD
            PENDING                     RELEASE_UNAVAILABLE       LEASE_NOT_HELD
            PENDING                     RELEASE_STALE             LEASE_NOT_HELD
            PENDING                     CANCEL                    CANCELLED
            PENDING                     LEASE_EXPIRED             NOT_APPLICABLE
            PENDING                     LOST_ENDED                NOT_APPLICABLE
            PENDING                     LOST_ENDED_OTHER_ATTEMPT  NOT_APPLICABLE
            PENDING                     LOST_UNCONFIRMED          NOT_APPLICABLE
            PENDING                     GROUP_RELEASE             NOT_APPLICABLE
            PENDING_NOT_DUE             CLAIM                     NOT_APPLICABLE
            PENDING_NOT_DUE             START                     LEASE_NOT_HELD
            PENDING_NOT_DUE             START_STALE               LEASE_NOT_HELD
            PENDING_NOT_DUE             HEARTBEAT                 LEASE_NOT_HELD
            PENDING_NOT_DUE             HEARTBEAT_STALE           LEASE_NOT_HELD
            PENDING_NOT_DUE             ENDED_SUCCEEDED           LEASE_NOT_HELD
            PENDING_NOT_DUE             ENDED_FAILED              LEASE_NOT_HELD
            PENDING_NOT_DUE             ENDED_CONNECTION_LOST     LEASE_NOT_HELD
            PENDING_NOT_DUE             ENDED_NOT_RUN             LEASE_NOT_HELD
            PENDING_NOT_DUE             ENDED_STALE               LEASE_NOT_HELD
            PENDING_NOT_DUE             RELEASE                   LEASE_NOT_HELD
            PENDING_NOT_DUE             RELEASE_UNAVAILABLE       LEASE_NOT_HELD
            PENDING_NOT_DUE             RELEASE_STALE             LEASE_NOT_HELD
            PENDING_NOT_DUE             CANCEL                    CANCELLED
            PENDING_NOT_DUE             LEASE_EXPIRED             NOT_APPLICABLE
            PENDING_NOT_DUE             LOST_ENDED                NOT_APPLICABLE
            PENDING_NOT_DUE             LOST_ENDED_OTHER_ATTEMPT  NOT_APPLICABLE
            PENDING_NOT_DUE             LOST_UNCONFIRMED          NOT_APPLICABLE
            PENDING_NOT_DUE             GROUP_RELEASE             NOT_APPLICABLE
            PENDING_HELD                CLAIM                     NOT_APPLICABLE
            PENDING_HELD                START                     LEASE_NOT_HELD
            PENDING_HELD                START_STALE               LEASE_NOT_HELD
            PENDING_HELD                HEARTBEAT                 LEASE_NOT_HELD
            PENDING_HELD                HEARTBEAT_STALE           LEASE_NOT_HELD
            PENDING_HELD                ENDED_SUCCEEDED           LEASE_NOT_HELD
            PENDING_HELD                ENDED_FAILED              LEASE_NOT_HELD
            PENDING_HELD                ENDED_CONNECTION_LOST     LEASE_NOT_HELD
            PENDING_HELD                ENDED_NOT_RUN             LEASE_NOT_HELD
            PENDING_HELD                ENDED_STALE               LEASE_NOT_HELD
            PENDING_HELD                RELEASE                   LEASE_NOT_HELD
            PENDING_HELD                RELEASE_UNAVAILABLE       LEASE_NOT_HELD
            PENDING_HELD                RELEASE_STALE             LEASE_NOT_HELD
            PENDING_HELD                CANCEL                    CANCELLED
            PENDING_HELD                LEASE_EXPIRED             NOT_APPLICABLE
            PENDING_HELD                LOST_ENDED                NOT_APPLICABLE
            PENDING_HELD                LOST_ENDED_OTHER_ATTEMPT  NOT_APPLICABLE
            PENDING_HELD                LOST_UNCONFIRMED          NOT_APPLICABLE
            PENDING_HELD                GROUP_RELEASE             PENDING released
            ASSIGNED                    CLAIM                     NOT_APPLICABLE
            ASSIGNED                    START                     PROCESSING
            ASSIGNED                    START_STALE               LEASE_NOT_HELD
            ASSIGNED                    HEARTBEAT                 ASSIGNED renewed
            ASSIGNED                    HEARTBEAT_STALE           LEASE_NOT_HELD
            ASSIGNED                    ENDED_SUCCEEDED           COMPLETED
            ASSIGNED                    ENDED_FAILED              FAILED
            ASSIGNED                    ENDED_CONNECTION_LOST     FAILED
            ASSIGNED                    ENDED_NOT_RUN             FAILED
            ASSIGNED                    ENDED_STALE               LEASE_NOT_HELD
            ASSIGNED                    RELEASE                   PENDING
            ASSIGNED                    RELEASE_UNAVAILABLE       PENDING
            ASSIGNED                    RELEASE_STALE             LEASE_NOT_HELD
            ASSIGNED                    CANCEL                    CANCELLED
            ASSIGNED                    LEASE_EXPIRED             PENDING
            ASSIGNED                    LOST_ENDED                NOT_APPLICABLE
            ASSIGNED                    LOST_ENDED_OTHER_ATTEMPT  NOT_APPLICABLE
            ASSIGNED                    LOST_UNCONFIRMED          NOT_APPLICABLE
            ASSIGNED                    GROUP_RELEASE             NOT_APPLICABLE
            PROCESSING                  CLAIM                     NOT_APPLICABLE
            PROCESSING                  START                     LEASE_NOT_HELD
            PROCESSING                  START_STALE               LEASE_NOT_HELD
            PROCESSING                  HEARTBEAT                 PROCESSING renewed
            PROCESSING                  HEARTBEAT_STALE           LEASE_NOT_HELD
            PROCESSING                  ENDED_SUCCEEDED           COMPLETED
            PROCESSING                  ENDED_FAILED              FAILED
            PROCESSING                  ENDED_CONNECTION_LOST     PROCESSING lost
            PROCESSING                  ENDED_NOT_RUN             FAILED
            PROCESSING                  ENDED_STALE               LEASE_NOT_HELD
            PROCESSING                  RELEASE                   NOT_APPLICABLE
            PROCESSING                  RELEASE_UNAVAILABLE       NOT_APPLICABLE
            PROCESSING                  RELEASE_STALE             LEASE_NOT_HELD
            PROCESSING                  CANCEL                    PROCESSING cancel-requested
            PROCESSING                  LEASE_EXPIRED             PROCESSING lost
            PROCESSING                  LOST_ENDED                NOT_APPLICABLE
            PROCESSING                  LOST_ENDED_OTHER_ATTEMPT  NOT_APPLICABLE
            PROCESSING                  LOST_UNCONFIRMED          NOT_APPLICABLE
            PROCESSING                  GROUP_RELEASE             NOT_APPLICABLE
            PROCESSING_CANCEL_REQUESTED CLAIM                     NOT_APPLICABLE
            PROCESSING_CANCEL_REQUESTED START                     LEASE_NOT_HELD
            PROCESSING_CANCEL_REQUESTED START_STALE               LEASE_NOT_HELD
            PROCESSING_CANCEL_REQUESTED HEARTBEAT                 PROCESSING renewed
            PROCESSING_CANCEL_REQUESTED HEARTBEAT_STALE           LEASE_NOT_HELD
            PROCESSING_CANCEL_REQUESTED ENDED_SUCCEEDED           COMPLETED
            PROCESSING_CANCEL_REQUESTED ENDED_FAILED              CANCELLED
            PROCESSING_CANCEL_REQUESTED ENDED_CONNECTION_LOST     PROCESSING lost
            PROCESSING_CANCEL_REQUESTED ENDED_NOT_RUN             CANCELLED
            PROCESSING_CANCEL_REQUESTED ENDED_STALE               LEASE_NOT_HELD
            PROCESSING_CANCEL_REQUESTED RELEASE                   NOT_APPLICABLE
            PROCESSING_CANCEL_REQUESTED RELEASE_UNAVAILABLE       NOT_APPLICABLE
            PROCESSING_CANCEL_REQUESTED RELEASE_STALE             LEASE_NOT_HELD
            PROCESSING_CANCEL_REQUESTED CANCEL                    STAY
            PROCESSING_CANCEL_REQUESTED LEASE_EXPIRED             PROCESSING lost
            PROCESSING_CANCEL_REQUESTED LOST_ENDED                NOT_APPLICABLE
            PROCESSING_CANCEL_REQUESTED LOST_ENDED_OTHER_ATTEMPT  NOT_APPLICABLE
            PROCESSING_CANCEL_REQUESTED LOST_UNCONFIRMED          NOT_APPLICABLE
            PROCESSING_CANCEL_REQUESTED GROUP_RELEASE             NOT_APPLICABLE
            PROCESSING_LOST             CLAIM                     NOT_APPLICABLE
            PROCESSING_LOST             START                     LEASE_NOT_HELD
            PROCESSING_LOST             START_STALE               LEASE_NOT_HELD
            PROCESSING_LOST             HEARTBEAT                 LEASE_NOT_HELD
            PROCESSING_LOST             HEARTBEAT_STALE           LEASE_NOT_HELD
            PROCESSING_LOST             ENDED_SUCCEEDED           LEASE_NOT_HELD
            PROCESSING_LOST             ENDED_FAILED              LEASE_NOT_HELD
            PROCESSING_LOST             ENDED_CONNECTION_LOST     LEASE_NOT_HELD
            PROCESSING_LOST             ENDED_NOT_RUN             LEASE_NOT_HELD
            PROCESSING_LOST             ENDED_STALE               LEASE_NOT_HELD
            PROCESSING_LOST             RELEASE                   LEASE_NOT_HELD
            PROCESSING_LOST             RELEASE_UNAVAILABLE       LEASE_NOT_HELD
            PROCESSING_LOST             RELEASE_STALE             LEASE_NOT_HELD
            PROCESSING_LOST             CANCEL                    PROCESSING cancel-requested
            PROCESSING_LOST             LEASE_EXPIRED             NOT_APPLICABLE
            PROCESSING_LOST             LOST_ENDED                FAILED
            PROCESSING_LOST             LOST_ENDED_OTHER_ATTEMPT  NOT_APPLICABLE
            PROCESSING_LOST             LOST_UNCONFIRMED          FAILED
            PROCESSING_LOST             GROUP_RELEASE             NOT_APPLICABLE
            COMPLETED                   CLAIM                     ALREADY_ENDED
            COMPLETED                   START                     LEASE_NOT_HELD
            COMPLETED                   START_STALE               LEASE_NOT_HELD
            COMPLETED                   HEARTBEAT                 LEASE_NOT_HELD
            COMPLETED                   HEARTBEAT_STALE           LEASE_NOT_HELD
            COMPLETED                   ENDED_SUCCEEDED           LEASE_NOT_HELD
            COMPLETED                   ENDED_FAILED              LEASE_NOT_HELD
            COMPLETED                   ENDED_CONNECTION_LOST     LEASE_NOT_HELD
            COMPLETED                   ENDED_NOT_RUN             LEASE_NOT_HELD
            COMPLETED                   ENDED_STALE               LEASE_NOT_HELD
            COMPLETED                   RELEASE                   LEASE_NOT_HELD
            COMPLETED                   RELEASE_UNAVAILABLE       LEASE_NOT_HELD
            COMPLETED                   RELEASE_STALE             LEASE_NOT_HELD
            COMPLETED                   CANCEL                    ALREADY_ENDED
            COMPLETED                   LEASE_EXPIRED             ALREADY_ENDED
            COMPLETED                   LOST_ENDED                ALREADY_ENDED
            COMPLETED                   LOST_ENDED_OTHER_ATTEMPT  ALREADY_ENDED
            COMPLETED                   LOST_UNCONFIRMED          ALREADY_ENDED
            COMPLETED                   GROUP_RELEASE             ALREADY_ENDED
            FAILED                      CLAIM                     ALREADY_ENDED
            FAILED                      START                     LEASE_NOT_HELD
            FAILED                      START_STALE               LEASE_NOT_HELD
            FAILED                      HEARTBEAT                 LEASE_NOT_HELD
            FAILED                      HEARTBEAT_STALE           LEASE_NOT_HELD
            FAILED                      ENDED_SUCCEEDED           LEASE_NOT_HELD
            FAILED                      ENDED_FAILED              LEASE_NOT_HELD
            FAILED                      ENDED_CONNECTION_LOST     LEASE_NOT_HELD
            FAILED                      ENDED_NOT_RUN             LEASE_NOT_HELD
            FAILED                      ENDED_STALE               LEASE_NOT_HELD
            FAILED                      RELEASE                   LEASE_NOT_HELD
            FAILED                      RELEASE_UNAVAILABLE       LEASE_NOT_HELD
            FAILED                      RELEASE_STALE             LEASE_NOT_HELD
            FAILED                      CANCEL                    ALREADY_ENDED
            FAILED                      LEASE_EXPIRED             ALREADY_ENDED
            FAILED                      LOST_ENDED                ALREADY_ENDED
            FAILED                      LOST_ENDED_OTHER_ATTEMPT  ALREADY_ENDED
            FAILED                      LOST_UNCONFIRMED          ALREADY_ENDED
            FAILED                      GROUP_RELEASE             ALREADY_ENDED
            CANCELLED                   CLAIM                     ALREADY_ENDED
            CANCELLED                   START                     LEASE_NOT_HELD
            CANCELLED                   START_STALE               LEASE_NOT_HELD
            CANCELLED                   HEARTBEAT                 LEASE_NOT_HELD
            CANCELLED                   HEARTBEAT_STALE           LEASE_NOT_HELD
            CANCELLED                   ENDED_SUCCEEDED           LEASE_NOT_HELD
            CANCELLED                   ENDED_FAILED              LEASE_NOT_HELD
            CANCELLED                   ENDED_CONNECTION_LOST     LEASE_NOT_HELD
            CANCELLED                   ENDED_NOT_RUN             LEASE_NOT_HELD
            CANCELLED                   ENDED_STALE               LEASE_NOT_HELD
            CANCELLED                   RELEASE                   LEASE_NOT_HELD
            CANCELLED                   RELEASE_UNAVAILABLE       LEASE_NOT_HELD
            CANCELLED                   RELEASE_STALE             LEASE_NOT_HELD
            CANCELLED                   CANCEL                    ALREADY_ENDED
            CANCELLED                   LEASE_EXPIRED             ALREADY_ENDED
            CANCELLED                   LOST_ENDED                ALREADY_ENDED
            CANCELLED                   LOST_ENDED_OTHER_ATTEMPT  ALREADY_ENDED
            CANCELLED                   LOST_UNCONFIRMED          ALREADY_ENDED
            CANCELLED                   GROUP_RELEASE             ALREADY_ENDED
            """;

    private final TaskStateMachine machine = new TaskStateMachine(new RetryPolicy(Duration.ofHours(1), 0, RandomGenerator.getDefault()));

    record Row(TaskStates.State state, Event event, String expected) {
        @Override
        public String toString() {
            return state + " + " + event + " -> " + expected;
        }
    }

    static List<Row> table() {
        List<Row> rows = new ArrayList<>();
        TABLE.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(line -> {
            String[] cells = line.split("\\s+", 3);
            rows.add(new Row(TaskStates.State.valueOf(cells[0]), Event.valueOf(cells[1]), cells[2]));
        });
        return rows;
    }

    @Test
    void theTableHasEveryStateAndEventPairOnce() {
        Set<String> pairs = new TreeSet<>();
        for (Row row : table()) {
            assertThat(pairs.add(row.state() + " " + row.event())).as("%s appears once", row).isTrue();
        }
        assertThat(pairs).hasSize(TaskStates.State.values().length * Event.values().length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(Row row) {
        assertThat(describe(machine.decide(TaskStates.task(row.state()), event(row.event()), NOW))).isEqualTo(row.expected());
    }

    @Test
    void aClaimGrantsALeaseAndIsRecordedWithItsEvent() {
        Move move = (Move) machine.decide(TaskStates.task(TaskStates.State.PENDING), event(Event.CLAIM), NOW);
        assertThat(move.lease()).isEqualTo(Lease.GRANT);
        assertThat(move.recording()).isEqualTo(Recording.HISTORY_AND_EVENT);
        assertThat(move.stamp()).isEqualTo(Decision.Stamp.ASSIGNED_AT);
    }

    @Test
    void aTaggedTaskIsClaimedOnlyByABridgeWithItsTag() {
        Task tagged = TaskStates.builder(TaskStates.State.PENDING).tag("gpu").build();
        assertThat(machine.decide(tagged, new TaskEvent.Claim(List.of("web")), NOW)).isInstanceOf(Refuse.class);
        assertThat(machine.decide(tagged, new TaskEvent.Claim(List.of("web", "gpu")), NOW)).isInstanceOf(Move.class);
        assertThat(machine.decide(TaskStates.task(TaskStates.State.PENDING), new TaskEvent.Claim(List.of("gpu")), NOW))
                .as("untagged: any bridge").isInstanceOf(Move.class);
    }

    @Test
    void startCountsTheAttemptAndStampsIt() {
        Move move = (Move) machine.decide(TaskStates.task(TaskStates.State.ASSIGNED), event(Event.START), NOW);
        assertThat(move.progress().attempts()).isEqualTo(2);
        assertThat(move.stamp()).isEqualTo(Decision.Stamp.STARTED_AT);
        assertThat(move.lease()).isEqualTo(Lease.RENEW);
    }

    @Test
    void aHeartbeatOnlyRenewsTheLease() {
        Move move = (Move) machine.decide(TaskStates.task(TaskStates.State.PROCESSING), event(Event.HEARTBEAT), NOW);
        assertThat(move.recording()).isEqualTo(Recording.NONE);
        assertThat(move.progress()).isEqualTo(TaskProgress.of(TaskStates.task(TaskStates.State.PROCESSING)));
    }

    @Test
    void aCommandThatNeverRanCountsAsAnAttemptAndGoesBackWithARetryLeft() {
        Task assigned = TaskStates.builder(TaskStates.State.ASSIGNED).retries(2).build();
        Move move = (Move) machine.decide(assigned, ended(AttemptReport.Outcome.NOT_RUN, null, "cannot connect"), NOW);
        assertThat(move.to()).as("ASSIGNED -> PENDING: the retry of a command that never ran").isEqualTo(TaskStatus.PENDING);
        assertThat(move.progress().attempts()).isEqualTo(2);
        assertThat(move.progress().retryCount()).isEqualTo(1);
        assertThat(move.progress().notBefore()).isEqualTo(NOW.plusSeconds(30));
        assertThat(move.progress().error()).isEqualTo("cannot connect");
        assertThat(move.followUps()).as("woken by the sweeper once due, not now").isEmpty();
        assertThat(move.detail()).isEqualTo("attempt 2 failed (cannot connect); retry 1 of 2 not before " + NOW.plusSeconds(30));
    }

    @Test
    void aTaskGivenBackBecauseTheVaultWasDownWaitsWithoutUsingAnAttemptOrARetry() {
        Task assigned = TaskStates.builder(TaskStates.State.ASSIGNED).retries(2).build();
        Move move = (Move) machine.decide(assigned, event(Event.RELEASE_UNAVAILABLE), NOW);
        assertThat(move.to()).isEqualTo(TaskStatus.PENDING);
        assertThat(move.progress().attempts()).as("no attempt counted").isEqualTo(assigned.attempts());
        assertThat(move.progress().retryCount()).as("no retry used").isEqualTo(2);
        assertThat(move.progress().notBefore()).isEqualTo(NOW.plusSeconds(8));
        assertThat(move.progress().error()).isEqualTo("not run: vault-service unavailable");
        assertThat(move.lease()).isEqualTo(Lease.CLEAR);
        assertThat(move.recording()).isEqualTo(Recording.HISTORY_AND_EVENT);
        assertThat(move.followUps()).as("woken by the sweeper once due, not now").isEmpty();
        assertThat(move.detail()).isEqualTo("not run: vault-service unavailable; no attempt counted, again not before "
                + NOW.plusSeconds(8));
        Move atOnce = (Move) machine.decide(assigned, new TaskEvent.Release(LEASE, "vault-service unavailable", Duration.ZERO), NOW);
        assertThat(atOnce.progress().notBefore()).as("its old place").isNull();
        assertThat(atOnce.followUps()).containsExactly(FollowUp.WAKE_MACHINE);
    }

    @Test
    void aConnectionLostWhileRunningIsALostAttemptSettledWithItsErrorOnceItsCommandWasEnded() {
        Task running = TaskStates.builder(TaskStates.State.PROCESSING).retries(1).build();
        String error = "machine 'm1' (10.0.0.7:22): connection lost while the command ran: no keepalive reply";
        Move lost = (Move) machine.decide(running, ended(AttemptReport.Outcome.CONNECTION_LOST, null, error), NOW);
        assertThat(lost.to()).as("it may still run: it keeps its slot").isEqualTo(TaskStatus.PROCESSING);
        assertThat(lost.lease()).isEqualTo(Lease.LOSE);
        assertThat(lost.followUps()).containsExactly(FollowUp.END_LOST_ATTEMPT);
        assertThat(lost.recording()).isEqualTo(Recording.HISTORY);
        assertThat(lost.detail()).isEqualTo(error + "; its remote command is ended before the task is settled");
        assertThat(lost.progress().error()).isEqualTo(error);
        assertThat(lost.progress().output()).as("the output so far").isEqualTo("out");
        assertThat(lost.progress().retryCount()).as("nothing decided yet").isEqualTo(1);

        Move retried = (Move) machine.decide(TaskStates.builder(TaskStates.State.PROCESSING_LOST).retries(1).error(error).build(),
                event(Event.LOST_ENDED), NOW);
        assertThat(retried.to()).as("the retry policy decides").isEqualTo(TaskStatus.PENDING);
        assertThat(retried.progress().retryCount()).isZero();
        assertThat(retried.progress().error()).isEqualTo("interrupted: " + error);
        Move failed = (Move) machine.decide(TaskStates.builder(TaskStates.State.PROCESSING_LOST).error(error).build(),
                event(Event.LOST_ENDED), NOW);
        assertThat(failed.to()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.detail()).isEqualTo("interrupted: " + error + "; remote command killed by bridge:b2");
        Move unconfirmed = (Move) machine.decide(TaskStates.builder(TaskStates.State.PROCESSING_LOST).error(error).build(),
                event(Event.LOST_UNCONFIRMED), NOW);
        assertThat(unconfirmed.progress().error()).isEqualTo("interrupted: " + error
                + " and no bridge could end its remote command within 120 s (machine unreachable or not served); it may still be running");

        Move bridgeLost = (Move) machine.decide(TaskStates.task(TaskStates.State.PROCESSING), event(Event.LEASE_EXPIRED), NOW);
        assertThat(bridgeLost.progress().error()).isEqualTo("the bridge running it was lost");
    }

    @Test
    void theResultOfAnAttemptIsKept() {
        Move move = (Move) machine.decide(TaskStates.task(TaskStates.State.PROCESSING),
                ended(AttemptReport.Outcome.FAILED, 3, "exit 3"), NOW);
        assertThat(move.progress().exitCode()).isEqualTo(3);
        assertThat(move.progress().output()).isEqualTo("out");
        assertThat(move.progress().error()).isEqualTo("exit 3");
        assertThat(move.detail()).isEqualTo("exit 3");
        assertThat(move.stamp()).isEqualTo(Decision.Stamp.COMPLETED_AT);
        assertThat(move.lease()).isEqualTo(Lease.CLEAR);
    }

    @Test
    void aFinalFailureAlertsWhenAsked() {
        Task alerting = TaskStates.builder(TaskStates.State.PROCESSING).alerting().build();
        Move failed = (Move) machine.decide(alerting, ended(AttemptReport.Outcome.FAILED, 1, "exit 1"), NOW);
        assertThat(failed.followUps()).containsExactly(FollowUp.ALERT);
        Move retried = (Move) machine.decide(TaskStates.builder(TaskStates.State.PROCESSING).alerting().retries(1).build(),
                ended(AttemptReport.Outcome.FAILED, 1, "exit 1"), NOW);
        assertThat(retried.followUps()).as("not while a retry is left").isEmpty();
        Move completed = (Move) machine.decide(alerting, ended(AttemptReport.Outcome.SUCCEEDED, 0, null), NOW);
        assertThat(completed.followUps()).isEmpty();
    }

    @Test
    void backAtItsPlaceWakesTheMachineAndForgetsACancelRequest() {
        Move released = (Move) machine.decide(TaskStates.task(TaskStates.State.ASSIGNED), event(Event.RELEASE), NOW);
        assertThat(released.followUps()).containsExactly(FollowUp.WAKE_MACHINE);
        assertThat(released.detail()).isEqualTo("released by the bridge before start");
        Task resumableLost = TaskStates.builder(TaskStates.State.PROCESSING_LOST).resumable(true).build();
        Move resumed = (Move) machine.decide(resumableLost, event(Event.LOST_ENDED), NOW);
        assertThat(resumed.to()).isEqualTo(TaskStatus.PENDING);
        assertThat(resumed.progress().notBefore()).as("its old place").isNull();
        assertThat(resumed.followUps()).containsExactly(FollowUp.WAKE_MACHINE);
    }

    @Test
    void anExpiredLeaseOfARunningAttemptMarksItLostAndAsksForItsEnd() {
        Move lost = (Move) machine.decide(TaskStates.task(TaskStates.State.PROCESSING), event(Event.LEASE_EXPIRED), NOW);
        assertThat(lost.lease()).isEqualTo(Lease.LOSE);
        assertThat(lost.recording()).as("no history entry: still PROCESSING").isEqualTo(Recording.NONE);
        assertThat(lost.followUps()).containsExactly(FollowUp.END_LOST_ATTEMPT);
    }

    @Test
    void aReleasedTaskOfAGroupWakesItsMachineAndAnEndedOneMovesItsGroupOn() {
        Move released = (Move) machine.decide(TaskStates.task(TaskStates.State.PENDING_HELD), event(Event.GROUP_RELEASE), NOW);
        assertThat(released.recording()).isEqualTo(Recording.HISTORY);
        assertThat(released.detail()).isEqualTo("released by its group");
        assertThat(released.followUps()).containsExactly(FollowUp.WAKE_MACHINE);
        assertThat(machine.decide(TaskStates.task(TaskStates.State.PENDING_HELD), event(Event.CLAIM), NOW))
                .as("held: not claimable").isInstanceOf(Refuse.class);
        Task running = TaskStates.builder(TaskStates.State.PROCESSING).inGroup(TaskStates.GROUP, false).build();
        Move ended = (Move) machine.decide(running, ended(AttemptReport.Outcome.FAILED, 1, "exit 1"), NOW);
        assertThat(ended.followUps()).containsExactly(FollowUp.GROUP_PROGRESS);
        Move stopped = (Move) machine.decide(TaskStates.task(TaskStates.State.PENDING_HELD),
                new TaskEvent.Cancel("group stopped: 2 of its 6 tasks failed, more than maxFailures 1"), NOW);
        assertThat(stopped.progress().error()).isEqualTo("group stopped: 2 of its 6 tasks failed, more than maxFailures 1");
    }

    @Test
    void anEndedTaskWithOnExitSetsOffItsFollowUp() {
        Task withOnExit = TaskStates.builder(TaskStates.State.PROCESSING).onExit("report").build();
        assertThat(((Move) machine.decide(withOnExit, ended(AttemptReport.Outcome.SUCCEEDED, 0, null), NOW)).followUps())
                .containsExactly(FollowUp.ON_EXIT);
        assertThat(((Move) machine.decide(withOnExit, event(Event.HEARTBEAT), NOW)).followUps()).isEmpty();
        Task retrying = TaskStates.builder(TaskStates.State.PROCESSING).onExit("report").retries(1).build();
        assertThat(((Move) machine.decide(retrying, ended(AttemptReport.Outcome.FAILED, 1, "exit 1"), NOW)).followUps())
                .as("not while a retry is left").isEmpty();
    }

    @Test
    void cancelOfARunningTaskIsRecordedButPublishesNoEvent() {
        Move move = (Move) machine.decide(TaskStates.task(TaskStates.State.PROCESSING), event(Event.CANCEL), NOW);
        assertThat(move.recording()).isEqualTo(Recording.HISTORY);
        assertThat(move.detail()).isEqualTo("cancel requested: the bridge kills the remote process");
        Move now = (Move) machine.decide(TaskStates.task(TaskStates.State.ASSIGNED), event(Event.CANCEL), NOW);
        assertThat(now.progress().error()).isEqualTo("cancelled");
        assertThat(now.lease()).isEqualTo(Lease.CLEAR);
        assertThat(now.detail()).isEqualTo("cancelled");
    }

    static String describe(Decision decision) {
        return switch (decision) {
            case Move move -> move.to() + (move.lease() == Lease.LOSE ? " lost" : "")
                    + (move.progress().cancelRequested() && !move.before().cancelRequested() ? " cancel-requested" : "")
                    + (move.lease() == Lease.RENEW && move.from() == move.to() ? " renewed" : "")
                    + (move.before().held() && !move.progress().held() ? " released" : "");
            case Stay ignored -> "STAY";
            case Refuse refuse -> refuse.refusal().name();
        };
    }

    static TaskEvent event(Event event) {
        return switch (event) {
            case CLAIM -> new TaskEvent.Claim(List.of());
            case START -> new TaskEvent.Start(LEASE);
            case START_STALE -> new TaskEvent.Start(LEASE - 1);
            case HEARTBEAT -> new TaskEvent.Heartbeat(LEASE);
            case HEARTBEAT_STALE -> new TaskEvent.Heartbeat(LEASE - 1);
            case ENDED_SUCCEEDED -> ended(AttemptReport.Outcome.SUCCEEDED, 0, null);
            case ENDED_FAILED -> ended(AttemptReport.Outcome.FAILED, 1, "exit 1");
            case ENDED_CONNECTION_LOST -> ended(AttemptReport.Outcome.CONNECTION_LOST, null, "connection lost");
            case ENDED_NOT_RUN -> ended(AttemptReport.Outcome.NOT_RUN, null, "cannot connect");
            case ENDED_STALE -> new TaskEvent.AttemptEnded(LEASE - 1, new AttemptReport(AttemptReport.Outcome.SUCCEEDED,
                    0, "", false, null));
            case RELEASE -> new TaskEvent.Release(LEASE);
            case RELEASE_UNAVAILABLE -> new TaskEvent.Release(LEASE, "vault-service unavailable", Duration.ofSeconds(8));
            case RELEASE_STALE -> new TaskEvent.Release(LEASE - 1);
            case CANCEL -> new TaskEvent.Cancel();
            case LEASE_EXPIRED -> new TaskEvent.LeaseExpired();
            case LOST_ENDED -> new TaskEvent.LostAttemptEnded(ATTEMPT, "killed by bridge:b2");
            case LOST_ENDED_OTHER_ATTEMPT -> new TaskEvent.LostAttemptEnded("attempt-0", "killed by bridge:b2");
            case LOST_UNCONFIRMED -> new TaskEvent.LostAttemptUnconfirmed(Duration.ofMinutes(2));
            case GROUP_RELEASE -> new TaskEvent.GroupRelease();
        };
    }

    static TaskEvent ended(AttemptReport.Outcome outcome, Integer exitCode, String error) {
        return new TaskEvent.AttemptEnded(LEASE, new AttemptReport(outcome, exitCode, "out", false, error));
    }
}
