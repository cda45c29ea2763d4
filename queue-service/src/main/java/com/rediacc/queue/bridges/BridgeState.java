package com.rediacc.queue.bridges;

import java.time.Duration;
import java.time.Instant;

/**
 * How a bridge looks from its presences: LIVE while they come, QUIET once it missed
 * {@code rediacc.bridges.quiet-after-missed} of them in a row (stopped, crashed, cut off, or its
 * queue-service calls fail). A QUIET bridge leaves the list after {@code rediacc.bridges.forget-after}.
 */
public enum BridgeState {
    LIVE, QUIET;

    public static BridgeState of(Instant lastSeen, Duration every, int quietAfterMissed, Instant now) {
        return lastSeen.plus(every.multipliedBy(quietAfterMissed)).isBefore(now) ? QUIET : LIVE;
    }
}
