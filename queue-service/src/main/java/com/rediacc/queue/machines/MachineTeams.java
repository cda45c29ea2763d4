package com.rediacc.queue.machines;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The team of each machine, remembered, so that authorizing a new task needs no query. A machine
 * never changes team (PATCH cannot), so an entry is wrong only after the machine was deleted and
 * its name registered again in another team; whoever uses an entry checks it under lock (the
 * create batch does) and calls {@link #forget} when it no longer holds; a caller refused on a
 * remembered team is checked again against the database. Unknown names are not remembered.
 */
@Singleton
public class MachineTeams {
    static final int MAX_ENTRIES = 100_000;

    @Inject
    MachineRepository machines;

    private final ConcurrentHashMap<String, String> teams = new ConcurrentHashMap<>();

    /** The remembered team, or null. */
    public String remembered(String machine) {
        return teams.get(machine);
    }

    /** The team as the database has it now (and remembered from now on). */
    public Uni<Optional<String>> load(String machine) {
        return machines.find(machine).map(found -> found.map(m -> {
            remember(m.name(), m.team());
            return m.team();
        }));
    }

    public void forget(String machine) {
        teams.remove(machine);
    }

    private void remember(String machine, String team) {
        if (teams.size() >= MAX_ENTRIES) {
            teams.clear();
        }
        teams.put(machine, team);
    }
}
