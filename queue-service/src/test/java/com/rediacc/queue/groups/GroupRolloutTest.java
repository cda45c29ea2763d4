package com.rediacc.queue.groups;

import com.rediacc.queue.groups.GroupRollout.Counts;
import com.rediacc.queue.groups.GroupRollout.Limits;
import org.junit.jupiter.api.Test;

import static com.rediacc.queue.groups.TaskGroup.Status.CANCELLED;
import static com.rediacc.queue.groups.TaskGroup.Status.COMPLETED;
import static com.rediacc.queue.groups.TaskGroup.Status.RUNNING;
import static com.rediacc.queue.groups.TaskGroup.Status.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

class GroupRolloutTest {
    private static final Limits TWO_AT_A_TIME = new Limits(2, null, null);

    @Test
    void anEndedTaskMakesRoomForTheNextHeldOne() {
        assertThat(GroupRollout.next(RUNNING, TWO_AT_A_TIME, new Counts(6, 4, 1, 1, 0, 0)))
                .isEqualTo(new GroupRollout.Release(1));
        assertThat(GroupRollout.next(RUNNING, TWO_AT_A_TIME, new Counts(6, 4, 0, 2, 0, 0)))
                .isEqualTo(new GroupRollout.Release(2));
        assertThat(GroupRollout.next(RUNNING, TWO_AT_A_TIME, new Counts(6, 1, 0, 5, 0, 0)))
                .as("never more than are held").isEqualTo(new GroupRollout.Release(1));
    }

    @Test
    void nothingIsReleasedWhileMaxParallelRun() {
        assertThat(GroupRollout.next(RUNNING, TWO_AT_A_TIME, new Counts(6, 4, 2, 0, 0, 0))).isInstanceOf(GroupRollout.Wait.class);
    }

    @Test
    void moreFailuresThanAllowedStopsTheHeldRest() {
        Limits oneFailure = new Limits(2, 1, null);
        assertThat(GroupRollout.next(RUNNING, oneFailure, new Counts(6, 3, 1, 1, 1, 0)))
                .as("one failure is allowed").isEqualTo(new GroupRollout.Release(1));
        GroupRollout.Next stop = GroupRollout.next(RUNNING, oneFailure, new Counts(6, 2, 0, 2, 2, 0));
        assertThat(stop).isInstanceOf(GroupRollout.Stop.class);
        assertThat(((GroupRollout.Stop) stop).reason())
                .isEqualTo("group stopped: 2 of its 6 tasks failed, more than maxFailures 1");
        assertThat(GroupRollout.next(RUNNING, oneFailure, new Counts(6, 0, 0, 2, 2, 2)))
                .isEqualTo(new GroupRollout.Finish(STOPPED));
    }

    @Test
    void aPercentageOfTheTasksMayFail() {
        Limits quarter = new Limits(4, null, 25);
        assertThat(GroupRollout.next(RUNNING, quarter, new Counts(8, 4, 0, 2, 2, 0))).isEqualTo(new GroupRollout.Release(4));
        assertThat(GroupRollout.next(RUNNING, quarter, new Counts(8, 3, 0, 2, 3, 0))).isInstanceOf(GroupRollout.Stop.class);
    }

    @Test
    void aGroupEndsOnceNothingIsHeldOrActive() {
        assertThat(GroupRollout.next(RUNNING, TWO_AT_A_TIME, new Counts(3, 0, 0, 2, 1, 0)))
                .isEqualTo(new GroupRollout.Finish(COMPLETED));
        assertThat(GroupRollout.next(RUNNING, TWO_AT_A_TIME, new Counts(3, 0, 1, 2, 0, 0))).isInstanceOf(GroupRollout.Wait.class);
        assertThat(GroupRollout.next(CANCELLED, TWO_AT_A_TIME, new Counts(3, 0, 0, 0, 0, 3)))
                .as("a cancelled group keeps its status").isInstanceOf(GroupRollout.Wait.class);
    }
}
