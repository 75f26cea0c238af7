-- Search: active grid members (网格员) of the city inside the caller's jurisdiction, by name
-- (exact, prefix, substring) or by digits of their phone, with the device they carry (of several,
-- the one with the freshest fix) and its live position. The city's members are a few thousand rows at most.
SELECT m.id, m.name, m.phone, m.duty, m.community_code, m.department_id, m.user_id, a.name AS community_name,
  dv.identifier AS device, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat,
  ST_XMin(a.geom) AS xmin, ST_YMin(a.geom) AS ymin, ST_XMax(a.geom) AS xmax, ST_YMax(a.geom) AS ymax,
  CASE WHEN m.name = :words::text OR m.phone = :digits THEN 0
       WHEN starts_with(m.name, :words) OR (:digits::text <> '' AND starts_with(m.phone, :digits)) THEN 1
       ELSE 2 END AS rank
FROM grid_member m
JOIN admin_division a ON a.code = m.community_code
LEFT JOIN LATERAL (
  SELECT d.id, d.identifier FROM device d LEFT JOIN device_live dl ON dl.device_id = d.id
  WHERE d.member_id = m.id AND NOT d.disabled ORDER BY dl.fixed_at DESC NULLS LAST, d.id LIMIT 1
) dv ON true
LEFT JOIN device_live l ON l.device_id = dv.id
WHERE m.city_code = :city AND m.active
  AND m.community_code LIKE ANY(:patterns::text[])
  AND (strpos(m.name, :words) > 0
       OR (:digits::text <> '' AND strpos(regexp_replace(coalesce(m.phone, ''), '[^0-9]', '', 'g'), :digits) > 0))
ORDER BY rank, length(m.name), m.id
LIMIT :limit
