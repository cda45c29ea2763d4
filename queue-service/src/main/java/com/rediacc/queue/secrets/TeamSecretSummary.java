package com.rediacc.queue.secrets;

import java.time.Instant;
import java.util.List;

/** A team vault entry as listed: its name and versions, never its value. */
public record TeamSecretSummary(String name, int latestVersion, List<Integer> versions, Instant updatedAt) {
}
