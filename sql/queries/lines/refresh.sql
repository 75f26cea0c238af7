-- Everything derived from the geometry of these lines (migration 0038 line_refresh): the
-- communities and base grids crossed with the length in each, and the components within tolerance.
SELECT line_refresh(CAST(:ids AS bigint[]))
