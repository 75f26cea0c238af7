-- The stored values a WFS-T Update of components starts from (the rows are already locked).
SELECT id, name, state, material, community_code, extra, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM component
WHERE id = ANY(?::text[])
ORDER BY id
