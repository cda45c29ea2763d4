package com.rediacc.queue.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

import java.util.Optional;

@ConfigMapping(prefix = "rediacc.auth")
public interface AuthConfig {
    /** The first admin token (env REDIACC_AUTH_BOOTSTRAP_TOKEN). */
    @WithName("bootstrap-token")
    Optional<String> bootstrapToken();

    /** The token bridges present (env REDIACC_AUTH_BRIDGE_TOKEN). */
    @WithName("bridge-token")
    Optional<String> bridgeToken();

    /** How long a replica trusts what it read about a token; changes made on another replica show after this. */
    @WithName("cache-ttl")
    @WithDefault("5s")
    Duration cacheTtl();
}
