-- The small classes a model chooses among, with the texts that describe them: the name and the
-- filing and closure conditions (a class the configuration adds is learnt from these alone).
SELECT code, name, coalesce(filing_condition, '') AS filing, coalesce(closure_condition, '') AS closure
FROM event_class
WHERE length(code) = 4
ORDER BY code
