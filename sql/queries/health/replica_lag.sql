-- A read replica's state: still a standby, how far its replay is behind the primary's WAL
-- position read just before (bytes; 0 when caught up), how old the last replayed commit is, and
-- whether replay is paused. Binding: the primary's LSN as text.
SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN greatest(0, pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn())) END AS lag_bytes,
       CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END AS replay_age_seconds,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused
