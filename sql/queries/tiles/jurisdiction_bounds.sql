-- The lon/lat extent of the admin areas a caller may see, for TileJSON bounds and center.
-- admin_division is small (hundreds of rows per city), so a scan is cheap; NULLs when nothing.
SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
FROM (SELECT ST_Extent(geom)::geometry AS e FROM admin_division WHERE code LIKE ANY (?::text[])) s
