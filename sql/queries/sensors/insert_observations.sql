-- A batch of readings in one statement (arrays bound per column). Identity values follow the
-- ORDER BY, so the caller matches the returned ids to its input by sorting them.
INSERT INTO sta_observation (datastream_id, feature_of_interest_id, phenomenon_time, result_time, result_number, result_json, parameters)
SELECT u.ds, u.foi, u.pt, u.rt, u.rn, u.rj, u.par
FROM unnest(:ds::bigint[], :foi::bigint[], :pt::timestamptz[], :rt::timestamptz[], :rn::float8[], :rj::jsonb[], :par::jsonb[])
  WITH ORDINALITY AS u(ds, foi, pt, rt, rn, rj, par, ord)
ORDER BY u.ord
RETURNING id
