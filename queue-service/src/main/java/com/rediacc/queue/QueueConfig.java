package com.rediacc.queue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code rediacc.*} setting of queue-service, each default written here and nowhere else
 * (application.properties holds only the test profile's overrides). Environment variables follow
 * the names: {@code rediacc.lease.duration} is {@code REDIACC_LEASE_DURATION}.
 */
@ConfigMapping(prefix = "rediacc")
public interface QueueConfig {
    Auth auth();

    Lease lease();

    Retry retry();

    Sweeper sweeper();

    Statistics statistics();

    Tasks tasks();

    Output output();

    Outbox outbox();

    Events events();

    Vault vault();

    Crons crons();

    Console console();

    Bridges bridges();

    Resources resources();

    Retention retention();

    Metrics metrics();

    Alerts alerts();

    Database database();

    interface Auth {
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

    interface Lease {
        /** How long a claim or heartbeat holds a task for its bridge. */
        @WithDefault("30s")
        Duration duration();

        /** How long a running task whose bridge was lost waits for a bridge to end its remote command (docs/adr/0004). */
        @WithName("lost-attempt-wait")
        @WithDefault("2m")
        Duration lostAttemptWait();
    }

    interface Retry {
        /** The longest delay exponential backoff reaches, before jitter. */
        @WithName("max-delay")
        @WithDefault("1h")
        Duration maxDelay();

        /** Retries come back after their delay, spread by up to this fraction either way. */
        @WithDefault("0.1")
        double jitter();
    }

    interface Sweeper {
        /** How often the maintenance services run (tasks/maintenance). */
        @WithDefault("2s")
        Duration interval();

        /** Ready work (or a lost attempt) untouched this long has its machine woken again. */
        @WithName("ready-for")
        @WithDefault("3s")
        Duration readyFor();

        /** At most this many tasks per duty and sweep. */
        @WithName("batch-size")
        @WithDefault("500")
        int batchSize();
    }

    interface Statistics {
        /** A growing table is analyzed once this many rows (at the least) changed since its last analysis. */
        @WithName("min-changed-rows")
        @WithDefault("500")
        long minChangedRows();
    }

    interface Tasks {
        /** The longest command accepted, in UTF-8 bytes. */
        @WithName("max-command-bytes")
        @WithDefault("65536")
        int maxCommandBytes();

        @WithName("create-batch")
        CreateBatch createBatch();

        Purge purge();

        interface Purge {
            /** Tasks cancelled per transaction: the longest any of them stays locked is one slice's write. */
            @WithDefault("10000")
            int slice();

            /**
             * A purge call stops starting slices after this and answers with what it did and whether
             * more matches (the caller calls again); kept well within the bulk call deadline.
             */
            @WithName("call-budget")
            @WithDefault("20s")
            Duration callBudget();
        }

        interface CreateBatch {
            /** At most this many creates share one statement. */
            @WithName("max-size")
            @WithDefault("256")
            int maxSize();

            /** Batches written at once; with 1, seq follows the order requests arrived in exactly. */
            @WithDefault("1")
            int concurrency();

            /**
             * Batch calls ({@code POST /tasks/batch}) written at once, each in a statement of its own,
             * beside the batches of single creates. Concurrent calls have no order between them; the
             * tasks of one call keep theirs.
             */
            @WithName("call-concurrency")
            @WithDefault("4")
            int callConcurrency();
        }
    }

    interface Output {
        /** How often {@code GET /tasks/{id}/output?follow=true} looks for new output. */
        @WithName("follow-interval")
        @WithDefault("500ms")
        Duration followInterval();
    }

    interface Outbox {
        /** Messages per relay pass. */
        @WithName("batch-size")
        @WithDefault("500")
        int batchSize();

        /** The relay's safety-net poll (it is also woken after every commit that wrote messages). */
        @WithName("poll-interval")
        @WithDefault("1s")
        Duration pollInterval();

        /** Task events and alerts wait up to this long to share a Kafka request; wake-ups go at once. */
        @WithName("events-linger")
        @WithDefault("5ms")
        Duration eventsLinger();

        /** Kafka's max.block.ms and request.timeout.ms; a pass not acknowledged within twice this is sent again. */
        @WithName("kafka-timeout")
        @WithDefault("5s")
        Duration kafkaTimeout();
    }

    interface Events {
        /** The live event feed reads Kafka while a stream is open, and this long after the last one closed. */
        @WithName("idle-stop")
        @WithDefault("30s")
        Duration idleStop();

        /** A comment line this often keeps idle SSE connections open through proxies. */
        @WithName("keep-alive")
        @WithDefault("15s")
        Duration keepAlive();
    }

    interface Vault {
        /** queue-service's token at vault-service (env REDIACC_VAULT_QUEUE_TOKEN). */
        @WithName("queue-token")
        Optional<String> queueToken();

        /**
         * The longest a call to vault-service may take before it fails "vault-service is unavailable"
         * (an API call's own deadline may come first, and names vault-service too).
         */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Crons {
        /** How often the scheduler looks for due crons: the longest a slot waits to fire on an idle queue. */
        @WithName("poll-interval")
        @WithDefault("250ms")
        Duration pollInterval();

        /** Crons fired per transaction. */
        @WithName("batch-size")
        @WithDefault("500")
        int batchSize();
    }

    interface Console {
        /** A console session not used for this long ends. */
        @WithName("idle-timeout")
        @WithDefault("8h")
        Duration idleTimeout();

        /** A console session ends this long after sign-in, however busy. */
        @WithDefault("24h")
        Duration lifetime();

        /** The console's stream sends at most one message per tab this often (what changed since the last one). */
        @WithName("stream-interval")
        @WithDefault("500ms")
        Duration streamInterval();

        /**
         * How often the counts the console's streams send are read again (one query for every tab
         * of the same teams), not at each tick.
         */
        @WithName("counts-refresh")
        @WithDefault("5s")
        Duration countsRefresh();

        /** A PENDING task still waiting this long after its notBefore (or creation) is shown as stale. */
        @WithName("stale-pending")
        @WithDefault("5m")
        Duration stalePending();
    }

    interface Bridges {
        /** A bridge that missed this many of its presences in a row is shown QUIET in GET /bridges. */
        @WithName("quiet-after-missed")
        @WithDefault("3")
        int quietAfterMissed();

        /** A bridge not heard from for this long leaves GET /bridges (its row is deleted). */
        @WithName("forget-after")
        @WithDefault("1h")
        Duration forgetAfter();

        /** How long a machine check may take, the bridge's connect and auth timeouts included. */
        @WithName("check-timeout")
        @WithDefault("45s")
        Duration checkTimeout();
    }

    /** A machine's sample over one of these crosses it (alerted once), and under it again clears it. */
    interface Resources {
        /** The 1-minute load average per CPU. */
        @WithName("load-per-cpu")
        @WithDefault("2.0")
        double loadPerCpu();

        /** Memory in use (total minus available), in percent of the total. */
        @WithName("memory-used-percent")
        @WithDefault("90")
        double memoryUsedPercent();

        /** The root file system's used space, in percent of its size. */
        @WithName("disk-used-percent")
        @WithDefault("90")
        double diskUsedPercent();
    }

    interface Retention {
        /** A finished task moves to the archive this long after it ended (docs/adr/0014). */
        @WithName("archive-after")
        @WithDefault("30d")
        Duration archiveAfter();

        /** A month of the archive is dropped whole once its last day is this old; a cron run once its slot is. */
        @WithName("delete-after")
        @WithDefault("365d")
        Duration deleteAfter();

        /**
         * An audit record is deleted once this old: longer than the tasks it names, so that who did what
         * can still be answered through a whole yearly audit and the review after it (docs/adr/0020).
         */
        @WithName("audit-delete-after")
        @WithDefault("730d")
        Duration auditDeleteAfter();

        /** Tasks moved (cron runs, audit records deleted) per statement: each holds its rows' locks only while it runs (docs/adr/0014 for the measure). */
        @WithName("batch-size")
        @WithDefault("500")
        int batchSize();

        /** Batches per maintenance run at most, so a backlog does not hold up the other duties. */
        @WithName("batches-per-run")
        @WithDefault("4")
        int batchesPerRun();
    }

    interface Metrics {
        /** How often the queue's gauges (counts, oldest PENDING ages, outbox backlog, machines' resources) are read again; a scrape reads memory. */
        @WithDefault("5s")
        Duration refresh();
    }

    interface Alerts {
        /** Running work that looks stuck this long (a lost lease, an expired one, past its timeout) is alerted. */
        @WithName("stuck-after")
        @WithDefault("1m")
        Duration stuckAfter();
    }

    /** How long callers wait on PostgreSQL before they are answered 503 (docs/adr/0016). */
    interface Database {
        /** An API call that has not answered by then is answered "PostgreSQL is unavailable". */
        @WithName("call-deadline")
        @WithDefault("5s")
        Duration callDeadline();

        /** The same for calls that may rightly run long: bulk cancel, batch create, task groups. */
        @WithName("bulk-call-deadline")
        @WithDefault("60s")
        Duration bulkCallDeadline();

        /** The longest a statement waits for a free connection of the pool (or a new one). */
        @WithName("acquire-timeout")
        @WithDefault("3s")
        Duration acquireTimeout();

        /** The longest a new connection's TCP connect may take. */
        @WithName("connect-timeout")
        @WithDefault("3s")
        Duration connectTimeout();
    }
}
