-- Staging table for imported components (部件): points.
CREATE TEMP TABLE component_candidate (
  idx             integer PRIMARY KEY,
  id              text NOT NULL,
  name            text NOT NULL,
  state           text NOT NULL,
  community_code  text NOT NULL,
  material        text,
  geom            geometry NOT NULL
) ON COMMIT DROP
