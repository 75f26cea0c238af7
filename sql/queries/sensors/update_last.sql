-- The latest reading of each datastream of a batch (never moved back by a late, older one): what
-- the rate-of-change rule compares the next reading with and the silence rule watches.
UPDATE sta_datastream d
SET last_time = x.t, last_result = x.v
FROM (
  SELECT DISTINCT ON (u.ds) u.ds, u.t, u.v
  FROM unnest(:ds::bigint[], :t::timestamptz[], :v::float8[]) AS u(ds, t, v)
  ORDER BY u.ds, u.t DESC
) x
WHERE d.id = x.ds AND (d.last_time IS NULL OR d.last_time <= x.t)
