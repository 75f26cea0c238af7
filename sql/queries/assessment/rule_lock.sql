-- Serialises the writers of one rule (a new version, a snapshot) until the transaction ends,
-- so a version cannot slip in between a snapshot's choice of version and its insert.
SELECT pg_advisory_xact_lock(hashtext('assessment:' || :city::text || ':' || :code::text))
