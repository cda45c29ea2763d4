package com.rediacc.queue.users;

import java.time.Instant;

public record User(String name, boolean globalAdmin, Instant createdAt) {
}
