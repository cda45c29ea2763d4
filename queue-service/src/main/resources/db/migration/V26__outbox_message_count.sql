-- How many messages a row holds, stored with it. The relay's window counted them with
-- cardinality(payloads), which reads the whole array: every row of the window (up to batch-size rows)
-- was fetched from TOAST and decompressed on every pass, whether the pass took it or not. With a
-- backlog of batch calls' rows (a thousand messages, ~100 kB of lz4 each) that was PostgreSQL's
-- busiest function during bench/batch (LZ4_decompress_safe, 6.8% of its CPU, perf). The value is
-- computed from the row being written, before it is compressed.
ALTER TABLE outbox
    ADD COLUMN message_count integer NOT NULL GENERATED ALWAYS AS (coalesce(cardinality(payloads), 1)) STORED;
