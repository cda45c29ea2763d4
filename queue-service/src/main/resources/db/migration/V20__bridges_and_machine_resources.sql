-- Bridges as they last said they were (BridgeApi.PRESENCE), so every queue-service replica answers
-- GET /bridges alike. A row is one bridge id; a restarted bridge with the same id replaces it.
CREATE TABLE bridges (
    bridge_id       text PRIMARY KEY,
    version         text,
    tags            text[]      NOT NULL DEFAULT '{}',
    url             text,
    partitions      integer[]   NOT NULL DEFAULT '{}',
    partition_count integer     NOT NULL DEFAULT 0,
    batch_size      integer     NOT NULL,
    every_millis    bigint      NOT NULL,
    last_seen_at    timestamptz NOT NULL DEFAULT now()
);

-- The newest resource sample of each machine, and which of its thresholds it is over (alerted once
-- on crossing, once on clearing). Goes with its machine.
CREATE TABLE machine_resources (
    machine                text PRIMARY KEY REFERENCES machines (name) ON DELETE CASCADE,
    bridge_id              text             NOT NULL,
    sampled_at             timestamptz      NOT NULL,
    load1                  double precision NOT NULL,
    load5                  double precision NOT NULL,
    load15                 double precision NOT NULL,
    cpus                   integer          NOT NULL,
    memory_total_bytes     bigint           NOT NULL,
    memory_available_bytes bigint           NOT NULL,
    disk_total_bytes       bigint           NOT NULL,
    disk_used_bytes        bigint           NOT NULL,
    over                   text[]           NOT NULL DEFAULT '{}'
);
