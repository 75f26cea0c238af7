-- Writes judged communities under their parent street.
INSERT INTO admin_division (code, level, name, parent_code, city_code, geom)
SELECT c.code, 'community', c.name, substr(c.code, 1, 9) || '000', substr(c.code, 1, 4) || '00', c.geom
FROM community_candidate c
ORDER BY c.idx
