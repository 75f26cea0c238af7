-- Whether this replica has replayed the WAL up to a position of the primary (binding: the LSN as
-- text). NULL when it is no longer a standby (promoted): nothing to wait for.
SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn AS replayed
