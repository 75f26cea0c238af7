-- Raster base-map data (issue 16 item 4): orthophoto imagery, topographic map rasters, DEMs and
-- the hillshades made from them. The pixels live in cloud-optimised GeoTIFFs under the data
-- directory (server/rasters/); this table is their register. A row is written only after its
-- file is complete, in the same transaction as any sibling (a DEM and its hillshade), so a
-- failed import leaves no row behind.
CREATE TABLE raster_layer (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  kind        text NOT NULL CHECK (kind IN ('ortho', 'topo', 'dem', 'hillshade')),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- the hillshade of a DEM goes when its DEM goes
  parent      text REFERENCES raster_layer (name) ON DELETE CASCADE,
  -- CGCS2000 lon/lat extent of the source data (not of the tile-aligned file, which is padded)
  extent      geometry(Polygon, 4490) NOT NULL,
  -- ground size of a source pixel in metres (degrees converted at the centre latitude)
  resolution  double precision NOT NULL CHECK (resolution > 0),
  -- the CRS of the source file as EPSG:n (or its name when it has no EPSG code)
  source_crs  text NOT NULL,
  source_format text NOT NULL,
  -- the CRS of the stored file: EPSG:3857, aligned to the GoogleMapsCompatible tile grid
  crs         text NOT NULL DEFAULT 'EPSG:3857',
  -- path of the COG relative to the data directory
  file        text NOT NULL UNIQUE,
  bytes       bigint NOT NULL,
  width       integer NOT NULL,
  height      integer NOT NULL,
  bands       integer NOT NULL,
  -- DEM only: the value range, which the greyscale rendering stretches between
  min_value   double precision,
  max_value   double precision,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX raster_layer_parent_idx ON raster_layer (parent);
