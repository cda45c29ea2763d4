package com.rediacc.queue.teams;

import com.rediacc.queue.auth.Role;

import java.time.Instant;

public record Member(String team, String user, Role role, Instant addedAt) {
}
