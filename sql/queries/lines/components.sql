-- The components on one line (within its tolerance), in id order after the given one, with their class
-- and state; the line's jurisdiction is checked by the caller.
SELECT lc.component_id, lc.distance_m, c.class_code, k.name AS class_name, c.name, c.state, c.grid_code, c.community_code,
  ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
FROM line_component lc
JOIN component c ON c.id = lc.component_id
JOIN component_class k ON k.code = c.class_code
WHERE lc.line_id = :lineId AND lc.component_id > :after
ORDER BY lc.component_id
LIMIT :limit
