-- Staging table for the grids a write proposes (one row for a create, two for a split, thousands
-- for an import). Every topology rule is one set-based query over this table, so a single-grid
-- write and a bulk import are judged by the same SQL, and candidates are judged against each
-- other as well as against the stored grids. The geometry column is unconstrained on purpose:
-- invalid polygons must reach the invalid_geometry rule instead of failing the insert.
CREATE TEMP TABLE grid_candidate (
  idx             integer PRIMARY KEY,
  code            text NOT NULL,
  kind            text NOT NULL,
  industry_type   text,
  name            text NOT NULL,
  community_code  text NOT NULL,
  households      integer,
  population      integer,
  geom            geometry NOT NULL
) ON COMMIT DROP
