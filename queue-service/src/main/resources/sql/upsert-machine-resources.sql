-- The newest sample of a machine that exists (a sample of a machine deleted meanwhile is dropped).
INSERT INTO machine_resources (machine, bridge_id, sampled_at, load1, load5, load15, cpus, memory_total_bytes,
                               memory_available_bytes, disk_total_bytes, disk_used_bytes, over)
SELECT m.name, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
FROM machines m
WHERE m.name = $1
ON CONFLICT (machine) DO UPDATE SET bridge_id              = EXCLUDED.bridge_id,
                                    sampled_at             = EXCLUDED.sampled_at,
                                    load1                  = EXCLUDED.load1,
                                    load5                  = EXCLUDED.load5,
                                    load15                 = EXCLUDED.load15,
                                    cpus                   = EXCLUDED.cpus,
                                    memory_total_bytes     = EXCLUDED.memory_total_bytes,
                                    memory_available_bytes = EXCLUDED.memory_available_bytes,
                                    disk_total_bytes       = EXCLUDED.disk_total_bytes,
                                    disk_used_bytes        = EXCLUDED.disk_used_bytes,
                                    over                   = EXCLUDED.over
