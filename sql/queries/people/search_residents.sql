-- Residents found by the exact ID number (its blind indexes under every known key), inside the
-- caller's jurisdiction; the number itself never reaches the database.
SELECT r.id, r.name, r.community_code, r.grid_code, r.kind, r.id_number_masked, d.name AS community_name,
       ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat
FROM resident r
JOIN admin_division d ON d.code = r.community_code
WHERE r.id_number_index = ANY(:indexes::text[]) AND r.city_code = :city AND r.community_code LIKE ANY(:patterns::text[])
LIMIT :limit
