-- The data extent of one layer in storage lon/lat, for the capabilities bounding boxes.
-- All rows of the layer, not the caller's jurisdiction: capabilities describe the service, and
-- the extent of a whole layer reveals no more than the city's outline. ST_Extent reads the
-- bounding boxes only, so this stays cheap on large tables.
SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy
FROM (SELECT ST_Extent(t.geom) AS e FROM :table: AS t WHERE (/*where*/ true /*end*/)) AS x
