-- The CRS definition written into the GeoPackage's gpkg_spatial_ref_sys (OGC WKT 1, as PostGIS holds it).
SELECT srtext FROM spatial_ref_sys WHERE srid = ?
