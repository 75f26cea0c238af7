-- The primary's current WAL position, to measure a read replica's lag against (in bytes).
SELECT pg_current_wal_lsn()::text AS lsn
