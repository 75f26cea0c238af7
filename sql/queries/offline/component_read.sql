-- A component as the sync compares it with the field copy, inside the caller's jurisdiction
-- (named bindings: id, patterns). ST_X/ST_Y: the stored point, compared to seven decimals.
SELECT c.id, c.name, c.state, c.material, c.community_code, c.version, c.updated_at::text AS updated_at,
       ST_X(c.geom) AS x, ST_Y(c.geom) AS y
FROM component c
WHERE c.id = :id AND c.community_code LIKE ANY(:patterns::text[])
