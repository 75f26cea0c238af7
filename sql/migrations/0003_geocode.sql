-- Point geocoding (server/geocode): partial spatial indexes over the CURRENT grids of each kind.
--
-- Every geocoding probe asks "which current base grid contains this point" (and the same for
-- industry grids), plus a KNN search for the nearest current base grid when none does. The
-- foundation's grid_geom_idx covers every version of every kind, so the planner either wades
-- through closed versions and industry grids, or (on a small city) prefers grid_kind_idx and
-- tests every base grid's geometry. Indexes whose predicate is exactly the geocoder's make each
-- probe a spatial lookup among the candidates only, and serve the <-> ordering directly.
CREATE INDEX grid_current_base_geom_idx ON grid USING gist (geom)
  WHERE kind = 'base' AND valid_to IS NULL;
CREATE INDEX grid_current_industry_geom_idx ON grid USING gist (geom)
  WHERE kind = 'industry' AND valid_to IS NULL;
