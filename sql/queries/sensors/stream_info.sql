-- What an incident's event says about its datastream: names, kind, unit, city and the place.
SELECT d.id, d.name, t.name AS thing_name, k.name AS kind_name, k.unit, t.city_code,
       ST_X(ST_PointOnSurface(l.geom)) AS x, ST_Y(ST_PointOnSurface(l.geom)) AS y
FROM sta_datastream d
JOIN sta_thing t ON t.id = d.thing_id
JOIN sensor_kind k ON k.code = t.kind
JOIN LATERAL (SELECT location_id FROM sta_thing_location WHERE thing_id = t.id ORDER BY location_id DESC LIMIT 1) tl ON true
JOIN sta_location l ON l.id = tl.location_id
WHERE d.id = ANY (:ids::bigint[])
