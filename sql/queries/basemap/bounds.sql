-- The base map's extent for its TileJSON: every city's outline (the base map is public, so the
-- bounds are not cut to a jurisdiction).
SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
FROM (SELECT ST_Extent(geom) AS e FROM admin_division WHERE level = 'city') s
