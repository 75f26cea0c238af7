-- Serialises assignments within a city until the transaction ends, so two disputes registered at
-- the same moment see each other's load (the rule picks the least loaded mediator).
SELECT pg_advisory_xact_lock(hashtext('dispute_assign'), hashtext(CAST(:city AS text)))
