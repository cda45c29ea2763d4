package com.rediacc.bridge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "rediacc.bridge")
public interface BridgeConfig {
    /** This bridge's identity in leases and history; defaults to host name plus a random suffix. */
    Optional<String> id();

    /** At most this many tasks run on this bridge at once. */
    @WithName("batch-size")
    @WithDefault("8")
    int batchSize();

    /** Tagged tasks run only on bridges carrying their tag. */
    Optional<List<String>> tags();

    Output output();

    Ssh ssh();

    /** How long a running task may wait for its result to be accepted before it is given up. */
    @WithName("report-retry-for")
    @WithDefault("60s")
    Duration reportRetryFor();

    /** On SIGTERM, how long running tasks may take to finish before the bridge exits. */
    @WithName("shutdown-grace")
    @WithDefault("20s")
    Duration shutdownGrace();

    interface Output {
        /** Output beyond this many bytes is dropped and the task marked outputTruncated. */
        @WithName("max-bytes")
        @WithDefault("1048576")
        int maxBytes();
    }

    interface Ssh {
        @WithName("connect-timeout")
        @WithDefault("10s")
        Duration connectTimeout();

        @WithName("auth-timeout")
        @WithDefault("10s")
        Duration authTimeout();

        /** Tasks sharing one SSH connection; OpenSSH's MaxSessions (default 10) must be larger. */
        @WithName("max-channels-per-session")
        @WithDefault("8")
        int maxChannelsPerSession();

        /** A pooled session unused this long is closed. */
        @WithName("idle-timeout")
        @WithDefault("5m")
        Duration idleTimeout();
    }
}
