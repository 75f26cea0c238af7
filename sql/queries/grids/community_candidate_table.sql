-- Staging table for imported communities (see candidate_table.sql for the reasoning).
CREATE TEMP TABLE community_candidate (
  idx    integer PRIMARY KEY,
  code   text NOT NULL,
  name   text NOT NULL,
  geom   geometry NOT NULL
) ON COMMIT DROP
