-- An outbox row holds one message (topic, message_key, payload) or, written by a batch, many
-- (topics, message_keys, payloads: parallel arrays, sent in array order). A batch of tasks then
-- writes and deletes one outbox row instead of one per task. The single-message columns stay, so
-- a replica of the previous version can still write its rows during a rolling upgrade.
ALTER TABLE outbox
    ALTER COLUMN topic DROP NOT NULL,
    ALTER COLUMN message_key DROP NOT NULL,
    ALTER COLUMN payload DROP NOT NULL,
    ADD COLUMN topics       text[],
    ADD COLUMN message_keys text[],
    ADD COLUMN payloads     text[],
    ADD CONSTRAINT outbox_one_message_or_many CHECK (
        (topic IS NOT NULL AND message_key IS NOT NULL AND payload IS NOT NULL
            AND topics IS NULL AND message_keys IS NULL AND payloads IS NULL)
        OR (topic IS NULL AND message_key IS NULL AND payload IS NULL
            AND cardinality(topics) > 0
            AND cardinality(message_keys) = cardinality(topics)
            AND cardinality(payloads) = cardinality(topics)
            AND array_position(topics, NULL) IS NULL
            AND array_position(message_keys, NULL) IS NULL
            AND array_position(payloads, NULL) IS NULL));

-- A row of a batch of ten tasks is ~7 kB: kept inline and uncompressed (the default would compress
-- every row above 2 kB, and move it to the TOAST table, on the request path). Larger rows still are.
ALTER TABLE outbox SET (toast_tuple_target = 8160);
