-- Claims this period of a periodic background pass for the calling instance, in one statement:
-- a row comes back only when the pass has never run or its last start is at least a period old
-- (the database clock decides, so the instances' clocks do not matter). Concurrent claims of one
-- pass serialise on the row: one succeeds, the others see the moved time and get no row.
INSERT INTO background_pass (name, started_at, instance)
VALUES (:name, now(), :instance)
ON CONFLICT (name) DO UPDATE SET started_at = now(), instance = EXCLUDED.instance
WHERE background_pass.started_at <= now() - make_interval(secs => CAST(:periodSeconds AS double precision))
RETURNING name
