package com.rediacc.queue.crons;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;
import java.util.Set;

/** The service on a {@link MutableClock}, its cron scheduler and maintenance run only when a test calls them. */
public class CronClockProfile implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(MutableClock.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("rediacc.crons.poll-interval", "1h", "rediacc.sweeper.interval", "1h");
    }
}
