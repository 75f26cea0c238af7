-- The datastreams of a batch the caller may write to, with what the rules need (kind, city,
-- place, the latest reading before the batch) and each one's FeatureOfInterest: the Thing's
-- location, made on first use as the standard prescribes (a feature per location).
WITH ds AS (
  SELECT d.id, d.name, d.admin_code, d.last_time, d.last_result, t.kind, k.name AS kind_name, k.unit, t.city_code,
         t.name AS thing_name, tl.location_id
  FROM sta_datastream d
  JOIN sta_thing t ON t.id = d.thing_id
  JOIN sensor_kind k ON k.code = t.kind
  JOIN LATERAL (SELECT location_id FROM sta_thing_location WHERE thing_id = t.id ORDER BY location_id DESC LIMIT 1) tl ON true
  WHERE d.id = ANY (:ids::bigint[]) AND d.admin_code LIKE ANY (:patterns::text[])
), made AS (
  INSERT INTO sta_feature_of_interest (name, description, encoding_type, geom, admin_code, location_id)
  SELECT l.name, l.description, l.encoding_type, l.geom, l.admin_code, l.id
  FROM sta_location l
  WHERE l.id IN (SELECT location_id FROM ds)
    AND NOT EXISTS (SELECT 1 FROM sta_feature_of_interest f WHERE f.location_id = l.id)
  ON CONFLICT (location_id) DO NOTHING
  RETURNING id, location_id
)
SELECT ds.*, COALESCE(f.id, m.id) AS foi_id,
       ST_X(ST_PointOnSurface(l.geom)) AS x, ST_Y(ST_PointOnSurface(l.geom)) AS y
FROM ds
JOIN sta_location l ON l.id = ds.location_id
LEFT JOIN sta_feature_of_interest f ON f.location_id = ds.location_id
LEFT JOIN made m ON m.location_id = ds.location_id
