-- Search: the extents of the divisions the service ranked first.
SELECT code, ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax,
  (SELECT p.name FROM admin_division p WHERE p.code = d.parent_code) AS parent_name
FROM admin_division d
WHERE code = ANY(:codes::text[])
