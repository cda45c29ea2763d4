-- A bridge's presence: it is alive now, with this version, these tags, partitions and address.
INSERT INTO bridges (bridge_id, version, tags, url, partitions, partition_count, batch_size, every_millis, last_seen_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
ON CONFLICT (bridge_id) DO UPDATE SET version         = EXCLUDED.version,
                                      tags            = EXCLUDED.tags,
                                      url             = EXCLUDED.url,
                                      partitions      = EXCLUDED.partitions,
                                      partition_count = EXCLUDED.partition_count,
                                      batch_size      = EXCLUDED.batch_size,
                                      every_millis    = EXCLUDED.every_millis,
                                      last_seen_at    = now()
