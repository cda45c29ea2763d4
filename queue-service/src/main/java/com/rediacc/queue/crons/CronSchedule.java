package com.rediacc.queue.crons;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a cron fires: its expression (Unix 5 fields, 6 with seconds first, or a macro such as
 * {@code @daily}) read in its IANA time zone. Pure: no clock, no I/O.
 *
 * <p>Slots are wall-clock times of the zone. One that falls into a spring-forward gap runs once, at
 * the first valid instant after the gap (several slots in the gap run once together); one that
 * occurs twice in a fall-back hour runs once, at its first occurrence. The expression is evaluated
 * on the wall clock (as if the zone had no daylight saving), each slot then placed in the zone.
 */
public final class CronSchedule {
    public static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    /** Steps allowed to find one slot (a fall-back hour of every-second slots is 3,600 of them). */
    private static final int MAX_STEPS = 10_000;
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
    /** ZoneId.getAvailableZoneIds() copies its set at every call. */
    private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());
    /**
     * Stored crons share few expressions: each is parsed once, not at every firing (bench/crons: most
     * of a firing's CPU). Per thread, as cron-utils does not promise that an ExecutionTime may be shared.
     */
    private static final ThreadLocal<Map<String, CronSchedule>> STORED = ThreadLocal.withInitial(HashMap::new);
    private static final int MAX_STORED = 1_000;

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime onWallClock;
    /**
     * The last {@link #next} answered. Crons due together mostly share their expression (and so this
     * instance, through {@link #stored}) and their slot: a burst of them computes the following slot
     * once, not once each (bench/crons: cron-utils' nextExecution was half of a firing's CPU).
     */
    private volatile Following last;

    private record Following(Instant after, Optional<Instant> next) {
    }

    private CronSchedule(String expression, ZoneId zone, ExecutionTime onWallClock) {
        this.expression = expression;
        this.zone = zone;
        this.onWallClock = onWallClock;
    }

    /** An expression that cannot be used; {@code field} names the request field at fault. */
    public static final class InvalidSchedule extends Exception {
        private final String field;

        InvalidSchedule(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The schedule of a stored cron: as {@link #parse}, remembered for the next firings. */
    public static CronSchedule stored(String expression, String timezone) throws InvalidSchedule {
        Map<String, CronSchedule> stored = STORED.get();
        String key = timezone + " " + expression;
        CronSchedule known = stored.get(key);
        if (known != null) {
            return known;
        }
        CronSchedule parsed = parse(expression, timezone);
        if (stored.size() >= MAX_STORED) {
            stored.clear();
        }
        stored.put(key, parsed);
        return parsed;
    }

    public static CronSchedule parse(String expression, String timezone) throws InvalidSchedule {
        ZoneId zone = zone(timezone);
        if (expression == null || expression.isBlank()) {
            throw new InvalidSchedule("cronString", "is required, e.g. \"0 3 * * *\" (03:00 every day) or \"@hourly\"");
        }
        String trimmed = expression.strip();
        if (trimmed.startsWith("@")) {
            String unix = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
            if (unix == null) {
                throw new InvalidSchedule("cronString", "unknown macro '" + trimmed + "'; one of "
                        + new TreeSet<>(MACROS.keySet()));
            }
            trimmed = unix;
        }
        int fields = trimmed.split("\\s+").length;
        if (fields != 5 && fields != 6) {
            throw new InvalidSchedule("cronString", "has " + fields
                    + " fields; give 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)");
        }
        Cron cron;
        try {
            cron = (fields == 5 ? UNIX : WITH_SECONDS).parse(trimmed).validate();
        } catch (IllegalArgumentException e) {
            throw new InvalidSchedule("cronString", "is not a valid cron expression: " + e.getMessage());
        }
        CronSchedule schedule = new CronSchedule(expression.strip(), zone, ExecutionTime.forCron(cron));
        if (schedule.next(Instant.EPOCH).isEmpty()) {
            throw new InvalidSchedule("cronString", "never fires (e.g. a day that no month has)");
        }
        return schedule;
    }

    private static ZoneId zone(String timezone) throws InvalidSchedule {
        if (timezone == null) {
            return ZoneOffset.UTC;
        }
        if (!ZONES.contains(timezone)) {
            throw new InvalidSchedule("timezone", "'" + timezone + "' is not an IANA time zone, e.g. \"Europe/Paris\" or \"UTC\"");
        }
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new InvalidSchedule("timezone", "'" + timezone + "' is not an IANA time zone");
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first slot strictly after {@code after}; empty if there is none. */
    public Optional<Instant> next(Instant after) {
        Following known = last;
        if (known != null && known.after().equals(after)) {
            return known.next();
        }
        Optional<Instant> next = compute(after);
        last = new Following(after, next);
        return next;
    }

    private Optional<Instant> compute(Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        for (int step = 0; step < MAX_STEPS; step++) {
            Optional<ZonedDateTime> slot = onWallClock.nextExecution(wall.atZone(ZoneOffset.UTC));
            if (slot.isEmpty()) {
                return Optional.empty();
            }
            wall = slot.get().toLocalDateTime();
            Instant at = instant(wall);
            if (at.isAfter(after)) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    /** The slots after {@code after} up to {@code until} (inclusive), at most {@code limit}, in order. */
    public List<Instant> between(Instant after, Instant until, int limit) {
        List<Instant> slots = new ArrayList<>();
        Instant from = after;
        while (slots.size() < limit) {
            Optional<Instant> next = next(from);
            if (next.isEmpty() || next.get().isAfter(until)) {
                break;
            }
            slots.add(next.get());
            from = next.get();
        }
        return slots;
    }

    /** The latest slot at or before {@code at}, if any. */
    public Optional<Instant> latestAtOrBefore(Instant at) {
        LocalDateTime wall = LocalDateTime.ofInstant(at, zone).plusNanos(1);
        for (int step = 0; step < MAX_STEPS; step++) {
            Optional<ZonedDateTime> slot = onWallClock.lastExecution(wall.atZone(ZoneOffset.UTC));
            if (slot.isEmpty()) {
                return Optional.empty();
            }
            wall = slot.get().toLocalDateTime();
            Instant instant = instant(wall);
            if (!instant.isAfter(at)) {
                return Optional.of(instant);
            }
        }
        return Optional.empty();
    }

    /** A wall-clock time of the zone as an instant: in a gap, the end of the gap; twice, the first. */
    private Instant instant(LocalDateTime wall) {
        ZoneRules rules = zone.getRules();
        if (rules.getValidOffsets(wall).isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(wall);
            return gap.getInstant();
        }
        return ZonedDateTime.ofLocal(wall, zone, null).toInstant();
    }
}
