package com.rediacc.queue.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Who made a request, and their role in each team they belong to. */
public record Caller(String name, Kind kind, Map<String, Role> roles) {
    public enum Kind {
        /** A user: may act in the teams of their memberships only. */
        USER,
        /** The bootstrap token, or a user created as global admin: may do everything on the public API. */
        GLOBAL_ADMIN,
        /** A bridge-service instance: may only use the bridge endpoints. */
        BRIDGE
    }

    public Caller {
        roles = Map.copyOf(roles);
    }

    public static Caller bootstrapAdmin() {
        return new Caller("bootstrap-admin", Kind.GLOBAL_ADMIN, Map.of());
    }

    public static Caller bridge() {
        return new Caller("bridge", Kind.BRIDGE, Map.of());
    }

    public boolean globalAdmin() {
        return kind == Kind.GLOBAL_ADMIN;
    }

    public Optional<Role> role(String team) {
        return Optional.ofNullable(roles.get(team));
    }

    /** Whether the team's resources exist for this caller at all (otherwise they are 404). */
    public boolean sees(String team) {
        return globalAdmin() || roles.containsKey(team);
    }

    public boolean may(String team, Role needed) {
        return globalAdmin() || role(team).map(role -> role.includes(needed)).orElse(false);
    }

    /** The teams whose resources this caller may list; empty for a global admin, who sees every team. */
    public Optional<List<String>> teamsWith(Role needed) {
        if (globalAdmin()) {
            return Optional.empty();
        }
        return Optional.of(roles.entrySet().stream()
                .filter(entry -> entry.getValue().includes(needed))
                .map(Map.Entry::getKey)
                .sorted()
                .toList());
    }
}
