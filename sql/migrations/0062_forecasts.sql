-- Forecasts and reporter groups (issue 20 items 1 and 5):
-- * warning.kind learns 'forecast_exceeded' (a street's count of a class group today above the
--   upper 95 % bound of its forecast: server/analytics/forecastWarning.ts).
-- The kinds already allowed are read from the constraint and kept, so this migration composes with
-- any other one that adds a kind in the same release, whichever runs first.
DO $$
DECLARE
  kinds text[];
BEGIN
  SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
  FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
  WHERE c.conname = 'warning_kind_check' AND c.conrelid = 'warning'::regclass;
  kinds := array(SELECT DISTINCT k FROM unnest(coalesce(kinds, '{}') || ARRAY['forecast_exceeded']) AS k ORDER BY k);
  ALTER TABLE warning DROP CONSTRAINT IF EXISTS warning_kind_check;
  EXECUTE format('ALTER TABLE warning ADD CONSTRAINT warning_kind_check CHECK (kind = ANY (%L::text[]))', kinds);
END
$$;
