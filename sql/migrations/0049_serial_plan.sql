-- serial_plan(): a marker that keeps a query's plan serial. Map queries (WMS GetMap, vector tiles)
-- call it in their WHERE clause. Why: PostGIS declares its geometry functions expensive, so the
-- planner gives a 256-pixel map of 13,000 components a Gather Merge with a parallel worker; the
-- worker is a fresh process that loads PROJ's transformation again before its first row (about
-- 300 ms against 30 ms serial, measured on the city bench for issue 17), and on two cores a
-- second process buys nothing while other requests wait. A query that calls a PARALLEL UNSAFE
-- function is never planned in parallel; being IMMUTABLE and argument-free, the call is folded
-- to `true` at planning time and costs nothing when the query runs.
CREATE FUNCTION serial_plan() RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL UNSAFE
  AS 'SELECT true';
