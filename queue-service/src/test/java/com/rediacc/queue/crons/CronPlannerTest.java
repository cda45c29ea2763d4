package com.rediacc.queue.crons;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CronPlannerTest {
    private static final Duration MARGIN = Duration.ofMinutes(5);

    @Test
    void nothingIsDueBeforeTheNextSlot() throws Exception {
        CronPlanner.Plan plan = CronPlanner.plan(hourly(), at("10:00"), at("09:59:59"), MARGIN);
        assertThat(plan.due()).isFalse();
        assertThat(plan.nextSlot()).isEqualTo(at("10:00"));
    }

    @Test
    void aDueSlotRunsAndTheNextComesFromIt() throws Exception {
        CronPlanner.Plan plan = CronPlanner.plan(hourly(), at("10:00"), at("10:00:00.250"), MARGIN);
        assertThat(plan.run()).isEqualTo(at("10:00"));
        assertThat(plan.catchUp()).isFalse();
        assertThat(plan.missed()).isEmpty();
        assertThat(plan.nextSlot()).isEqualTo(at("11:00"));
    }

    @Test
    void aSlotFoundLateButWithinTheMarginStillRuns() throws Exception {
        CronPlanner.Plan plan = CronPlanner.plan(hourly(), at("10:00"), at("10:04:59"), MARGIN);
        assertThat(plan.run()).isEqualTo(at("10:00"));
        assertThat(plan.nextSlot()).isEqualTo(at("11:00"));
    }

    @Test
    void theOnlyDueSlotFoundPastTheMarginIsMissedAndTheNextStillComesFromIt() throws Exception {
        CronPlanner.Plan plan = CronPlanner.plan(hourly(), at("10:00"), at("10:05:01"), MARGIN);
        assertThat(plan.run()).isNull();
        assertThat(plan.catchUp()).isFalse();
        assertThat(plan.missed()).containsExactly(at("10:00"));
        assertThat(plan.nextSlot()).isEqualTo(at("11:00"));
    }

    @Test
    void afterDowntimeOnlyTheLatestSlotRunsIfWithinTheMarginTheOthersAreMissed() throws Exception {
        CronPlanner.Plan plan = CronPlanner.plan(hourly(), at("10:00"), at("13:02"), MARGIN);
        assertThat(plan.run()).isEqualTo(at("13:00"));
        assertThat(plan.catchUp()).isTrue();
        assertThat(plan.missed()).containsExactly(at("10:00"), at("11:00"), at("12:00"));
        assertThat(plan.nextSlot()).isEqualTo(at("14:00"));
    }

    @Test
    void theLatestSlotOlderThanTheMarginIsMissedToo() throws Exception {
        CronPlanner.Plan plan = CronPlanner.plan(hourly(), at("10:00"), at("11:30"), MARGIN);
        assertThat(plan.run()).isNull();
        assertThat(plan.missed()).containsExactly(at("10:00"), at("11:00"));
        assertThat(plan.nextSlot()).isEqualTo(at("12:00"));
    }

    @Test
    void aLongDowntimeComputesAtMostAHundredSlots() throws Exception {
        CronSchedule everyMinute = CronSchedule.parse("* * * * *", "UTC");
        CronPlanner.Plan plan = CronPlanner.plan(everyMinute, at("00:00"), Instant.parse("2026-01-02T00:00:30Z"), MARGIN);
        assertThat(plan.missed()).hasSize(CronPlanner.MAX_SLOTS - 1).startsWith(at("00:00"));
        assertThat(plan.uncounted()).isTrue();
        assertThat(plan.run()).as("the latest slot, still within the margin").isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
        assertThat(plan.nextSlot()).isEqualTo(Instant.parse("2026-01-02T00:01:00Z"));
    }

    private static CronSchedule hourly() throws CronSchedule.InvalidSchedule {
        return CronSchedule.parse("0 * * * *", "UTC");
    }

    private static Instant at(String time) {
        return Instant.parse("2026-01-01T" + (time.length() == 5 ? time + ":00" : time) + "Z");
    }
}
