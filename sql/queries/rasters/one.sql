-- One raster of the register by name, with its CGCS2000 extent as numbers.
SELECT name, kind, title, parent,
       ST_XMin(extent) AS minlon, ST_YMin(extent) AS minlat, ST_XMax(extent) AS maxlon, ST_YMax(extent) AS maxlat,
       resolution, source_crs, source_format, crs, file, bytes, width, height, bands, min_value, max_value,
       created_by, created_at
  FROM raster_layer
 WHERE name = ?
