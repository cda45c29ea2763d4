-- Tables of $1 whose rows changed since their last ANALYZE at least as often as the table had rows
-- then ($2 at the least): they have about doubled, or were emptied and filled again, faster than
-- autovacuum noticed (it looks once a minute, and wants 10% plus 50 rows). reltuples is -1 for a
-- table never analyzed. The counters come from the backends, up to a second late.
SELECT s.relname::text AS name
FROM pg_stat_user_tables s
JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname = current_schema()
  AND s.relname = ANY($1)
  AND s.n_mod_since_analyze >= greatest($2, c.reltuples)
ORDER BY s.relname
