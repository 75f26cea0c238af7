-- The drawn objects of a spot check, in draw order (seq from 1), with the object's name, community
-- and grid as they were at the draw; answers each check's id and object id.
WITH drawn AS (
  SELECT d.id AS object_id, d.seq FROM unnest(CAST(:ids AS bigint[])) WITH ORDINALITY AS d(id, seq)
), obj AS (
  SELECT u.id, u.city_code, u.community_code, u.grid_code, u.name FROM unit u
  WHERE CAST(:objectType AS text) = 'unit' AND u.id = ANY (CAST(:ids AS bigint[]))
  UNION ALL
  SELECT p.id, p.city_code, p.community_code, p.grid_code, p.name FROM place p
  WHERE CAST(:objectType AS text) = 'place' AND p.id = ANY (CAST(:ids AS bigint[]))
)
INSERT INTO enforcement_check (spot_check_id, seq, city_code, community_code, grid_code, object_type, object_id, object_name, drawn_at)
SELECT CAST(:spotCheckId AS bigint), d.seq, o.city_code, o.community_code, o.grid_code, CAST(:objectType AS text), o.id, o.name, CAST(:asOf AS timestamptz)
FROM drawn d JOIN obj o ON o.id = d.object_id
ORDER BY d.seq
RETURNING id, object_id
