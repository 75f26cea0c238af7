-- Serialises concurrent writes that could conflict: every topology check runs after these
-- transaction-scoped advisory locks (one per community, one per industry type touched), taken in
-- sorted order so two writers never deadlock. Two overlapping creates therefore run one after
-- the other, and the second sees the first one's committed grid.
SELECT count(pg_advisory_xact_lock(hashtext(k))) AS locked
FROM (SELECT unnest(?::text[]) AS k ORDER BY 1) AS keys
