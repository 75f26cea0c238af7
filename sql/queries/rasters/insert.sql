-- A raster's register row; the extent is built from the lon/lat box read by gdalinfo.
INSERT INTO raster_layer (name, kind, title, parent, extent, resolution, source_crs, source_format, crs, file, bytes,
                          width, height, bands, min_value, max_value, created_by)
VALUES (?, ?, ?, ?, ST_MakeEnvelope(?, ?, ?, ?, 4490), ?, ?, ?, 'EPSG:3857', ?, ?, ?, ?, ?, ?, ?, ?)
