package com.rediacc.queue.teams;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.rediacc.queue.auth.Role;

import java.time.Instant;

/** A team; {@code role} is the caller's own role in it (absent for a global admin who is no member). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Team(String name, Instant createdAt, Role role) {
}
