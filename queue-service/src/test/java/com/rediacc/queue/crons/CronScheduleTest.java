package com.rediacc.queue.crons;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void aDailySlotInTheSpringForwardGapRunsOnceAtTheFirstInstantAfterIt() throws Exception {
        // 2025-03-30 02:00 CET becomes 03:00 CEST: 02:30 does not exist that day.
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Paris");
        Instant saturday = paris(2025, 3, 29, 2, 30);
        List<Instant> slots = schedule.between(saturday.minusSeconds(1), paris(2025, 4, 1, 0, 0), 10);
        assertThat(slots).containsExactly(saturday, Instant.parse("2025-03-30T01:00:00Z"), paris(2025, 3, 31, 2, 30));
        assertThat(Instant.parse("2025-03-30T01:00:00Z")).as("03:00 CEST").isEqualTo(paris(2025, 3, 30, 3, 0));
    }

    @Test
    void slotsInsideTheGapCollapseIntoOneRun() throws Exception {
        CronSchedule every15 = CronSchedule.parse("*/15 * * * *", "Europe/Paris");
        List<Instant> slots = every15.between(paris(2025, 3, 30, 1, 44), paris(2025, 3, 30, 3, 31), 20);
        assertThat(slots).containsExactly(paris(2025, 3, 30, 1, 45), paris(2025, 3, 30, 3, 0),
                paris(2025, 3, 30, 3, 15), paris(2025, 3, 30, 3, 30));
    }

    @Test
    void aDailySlotInTheFallBackHourFiresOnceAtItsFirstOccurrence() throws Exception {
        // 2025-10-26 03:00 CEST becomes 02:00 CET: 02:30 happens twice.
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Paris");
        List<Instant> slots = schedule.between(paris(2025, 10, 25, 12, 0), paris(2025, 10, 27, 12, 0), 10);
        assertThat(slots).containsExactly(Instant.parse("2025-10-26T00:30:00Z"), Instant.parse("2025-10-27T01:30:00Z"));
    }

    @Test
    void anHourlyCronFiresOncePerWallClockHourThroughTheFallBack() throws Exception {
        CronSchedule hourly = CronSchedule.parse("@hourly", "Europe/Paris");
        List<Instant> slots = hourly.between(Instant.parse("2025-10-25T22:30:00Z"), Instant.parse("2025-10-26T03:30:00Z"), 10);
        assertThat(slots).containsExactly(
                Instant.parse("2025-10-25T23:00:00Z"), // 01:00 CEST
                Instant.parse("2025-10-26T00:00:00Z"), // 02:00 CEST, the first 02:00
                Instant.parse("2025-10-26T02:00:00Z"), // 03:00 CET; the second 02:00 (01:00Z) does not fire again
                Instant.parse("2025-10-26T03:00:00Z"));
    }

    @Test
    void aStoredScheduleSharedByCronsAnswersEachSlotWithItsOwnFollowingSlot() throws Exception {
        CronSchedule first = CronSchedule.stored("*/5 * * * *", "Europe/Paris");
        CronSchedule second = CronSchedule.stored("*/5 * * * *", "Europe/Paris");
        assertThat(second).as("the same expression and zone: one schedule").isSameAs(first);
        Instant slot = Instant.parse("2026-03-01T10:05:00Z");
        assertThat(first.next(slot)).contains(Instant.parse("2026-03-01T10:10:00Z"));
        assertThat(second.next(slot)).as("asked again for the same slot").contains(Instant.parse("2026-03-01T10:10:00Z"));
        assertThat(second.next(slot.plusSeconds(1))).as("another time: not the remembered answer")
                .contains(Instant.parse("2026-03-01T10:10:00Z"));
        assertThat(first.next(Instant.parse("2026-03-01T10:10:00Z"))).contains(Instant.parse("2026-03-01T10:15:00Z"));
        assertThat(first.next(slot)).as("back to the first slot").contains(Instant.parse("2026-03-01T10:10:00Z"));
    }

    @Test
    void theNextSlotComesFromTheGivenOneNotFromSomeClock() throws Exception {
        CronSchedule nightly = CronSchedule.parse("0 3 * * *", "UTC");
        assertThat(nightly.next(Instant.parse("2026-01-01T03:00:00Z"))).contains(Instant.parse("2026-01-02T03:00:00Z"));
        assertThat(nightly.latestAtOrBefore(Instant.parse("2026-01-05T02:59:59Z"))).contains(Instant.parse("2026-01-04T03:00:00Z"));
        assertThat(nightly.latestAtOrBefore(Instant.parse("2026-01-05T03:00:00Z"))).contains(Instant.parse("2026-01-05T03:00:00Z"));
    }

    @Test
    void sixFieldsHaveSecondsFirst() throws Exception {
        CronSchedule every10s = CronSchedule.parse("*/10 * * * * *", "UTC");
        assertThat(every10s.next(Instant.parse("2026-01-01T00:00:00Z"))).contains(Instant.parse("2026-01-01T00:00:10Z"));
    }

    @ParameterizedTest
    @CsvSource({"@yearly,2027-01-01T00:00:00Z", "@annually,2027-01-01T00:00:00Z", "@monthly,2026-02-01T00:00:00Z",
            "@weekly,2026-01-04T00:00:00Z", "@daily,2026-01-02T00:00:00Z", "@midnight,2026-01-02T00:00:00Z",
            "@hourly,2026-01-01T01:00:00Z", "@DAILY,2026-01-02T00:00:00Z"})
    void macros(String macro, String next) throws Exception {
        assertThat(CronSchedule.parse(macro, null).next(Instant.parse("2026-01-01T00:00:00Z"))).contains(Instant.parse(next));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "              | UTC            | cronString | is required",
            "61 * * * *    | UTC            | cronString | not in range",
            "* * *         | UTC            | cronString | has 3 fields",
            "0 0 30 2 *    | UTC            | cronString | never fires",
            "@reboot       | UTC            | cronString | unknown macro",
            "0 3 * * *     | Mars/Olympus   | timezone   | not an IANA time zone",
            "0 3 * * *     | +02:00         | timezone   | not an IANA time zone",
            "0 3 * * * * * | UTC            | cronString | has 7 fields"})
    void badInputNamesItsField(String expression, String timezone, String field, String message) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, timezone))
                .isInstanceOfSatisfying(CronSchedule.InvalidSchedule.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    private static Instant paris(int year, int month, int day, int hour, int minute) {
        return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, PARIS).toInstant();
    }
}
