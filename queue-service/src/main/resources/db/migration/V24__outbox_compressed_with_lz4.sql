-- A batch call's outbox row holds its thousand task events (~420 kB), which PostgreSQL compresses
-- on the request path and the relay decompresses twice (its window counts them, then takes them):
-- lz4 does both several times faster than the default pglz, for a similar size on this JSON
-- (docs/adr/0023). Only new values are written with lz4; rows already there keep pglz, which stays
-- readable. A PostgreSQL built without lz4 keeps pglz.
DO
$$
BEGIN
    ALTER TABLE outbox
        ALTER COLUMN payload SET COMPRESSION lz4,
        ALTER COLUMN topics SET COMPRESSION lz4,
        ALTER COLUMN message_keys SET COMPRESSION lz4,
        ALTER COLUMN payloads SET COMPRESSION lz4;
EXCEPTION
    WHEN feature_not_supported THEN
        RAISE NOTICE 'outbox stays compressed with pglz: %', SQLERRM;
END
$$;
