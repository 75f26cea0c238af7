-- Where a sign-in / sign-out point lies against the member's current base grids (assigned and
-- current at at): the nearest one and its distance in metres on the spheroid (0 inside).
SELECT g.code, ST_Distance(g.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490)::geography)::float8 AS distance_m
FROM grid_assignment a
JOIN grid g ON g.code = a.grid_code AND g.valid_to IS NULL AND g.kind = 'base'
WHERE a.member_id = :memberId AND a.valid_from <= :at AND (a.valid_to IS NULL OR a.valid_to > :at)
ORDER BY 2, 1
LIMIT 1
