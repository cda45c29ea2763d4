package com.rediacc.bridge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * All of bridge-service's own settings ({@code rediacc.*}, or environment variables such as
 * {@code REDIACC_BRIDGE_BATCH_SIZE}), each default written here and nowhere else. Listed in
 * docs/operations.md.
 */
@ConfigMapping(prefix = "rediacc")
public interface BridgeConfig {
    Bridge bridge();

    Queue queue();

    Vault vault();

    Auth auth();

    interface Bridge {
        /** This bridge's identity in leases and history; defaults to host name plus a random suffix. */
        Optional<String> id();

        /** At most this many tasks run on this bridge at once. */
        @WithDefault("8")
        int batchSize();

        /** Tagged tasks run only on bridges carrying their tag. */
        Optional<List<String>> tags();

        /**
         * Lease heartbeat of a running task; also how fast a cancel reaches it, how often its output is
         * sent, and when its remote process group is first reported.
         */
        @WithDefault("2s")
        Duration heartbeatEvery();

        Output output();

        Ssh ssh();

        /** How long a running task may wait for its result to be accepted before it is given up. */
        @WithDefault("60s")
        Duration reportRetryFor();

        /**
         * A task whose secrets cannot be decrypted because vault-service is unreachable goes back to the
         * queue without using an attempt, for 1 s, then twice as long at each such answer in a row, up to this.
         */
        @WithDefault("30s")
        Duration unavailableRetryMax();

        /** On SIGTERM, how long running tasks may take to finish before the bridge exits. */
        @WithDefault("20s")
        Duration shutdownGrace();

        /**
         * How often the bridge tells queue-service it is alive, what it serves and what it sampled
         * (GET /bridges shows it QUIET after a few missed).
         */
        @WithDefault("5s")
        Duration presenceEvery();

        /** How often the load, memory and disk of each machine with an open pooled session are read. */
        @WithDefault("60s")
        Duration resourcesEvery();

        /**
         * Where queue-service reaches this bridge's own endpoints (machine checks); by default
         * {@code http://<this host's address>:<quarkus.http.port>}.
         */
        Optional<URI> advertisedUrl();
    }

    interface Output {
        /** Output beyond this many bytes is dropped and the task marked outputTruncated. */
        @WithDefault("1048576")
        int maxBytes();
    }

    interface Ssh {
        @WithDefault("10s")
        Duration connectTimeout();

        @WithDefault("10s")
        Duration authTimeout();

        /** Tasks sharing one SSH connection; OpenSSH's MaxSessions (default 10) must be larger. */
        @WithDefault("8")
        int maxChannelsPerSession();

        /**
         * A keepalive goes to each machine this often; a machine that leaves {@code keepalive-missed} of
         * them in a row unanswered (it dropped off the network) is taken as gone: its running commands
         * fail with a connection error, within about interval * (missed + 1).
         */
        @WithDefault("5s")
        Duration keepaliveInterval();

        @WithDefault("3")
        int keepaliveMissed();

        /** A pooled session unused this long is closed. */
        @WithDefault("5m")
        Duration idleTimeout();
    }

    interface Queue {
        @WithDefault("http://127.0.0.1:8080")
        URI url();
    }

    interface Vault {
        @WithDefault("http://127.0.0.1:8082")
        URI url();

        /** This bridge's identity at vault-service, the only one allowed to decrypt. */
        String bridgeToken();
    }

    interface Auth {
        /** The token bridges present to queue-service. */
        String bridgeToken();
    }
}
