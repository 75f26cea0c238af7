-- Claims a rule's run for a city: succeeds (one row) when it never ran, ran at least everyMs ago,
-- or ran "in the future" (a clock set back, a test); one statement, so of two instances claiming
-- at once one wins and the other skips the rule this time.
INSERT INTO warning_run AS r (city_code, kind, last_run_at) VALUES (:city, :kind, :now)
ON CONFLICT (city_code, kind) DO UPDATE SET last_run_at = EXCLUDED.last_run_at
WHERE r.last_run_at <= CAST(:now AS timestamptz) - make_interval(secs => CAST(:everyMs AS float8) / 1000)
   OR r.last_run_at > CAST(:now AS timestamptz)
RETURNING r.last_run_at
