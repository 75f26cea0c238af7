-- The staging table of one import (or one generator run): every row of the file, validated in
-- Node and located here, before anything is written. Temporary and dropped at commit, so a dry
-- run or a refused file leaves nothing; dropped first in case an outer transaction (a test, a
-- nested import) already made one.
DROP TABLE IF EXISTS pg_temp.event_import_stage;
CREATE TEMP TABLE event_import_stage (
  line            integer NOT NULL,
  ref             text,
  key             text NOT NULL,
  channel         text NOT NULL,
  demand_type     text NOT NULL,
  class_code      text NOT NULL,
  description     text NOT NULL,
  address         text,
  priority        smallint NOT NULL,
  h3              bigint NOT NULL,
  source_position jsonb NOT NULL,
  reported_at     timestamptz NOT NULL,
  status          text NOT NULL,
  closed_at       timestamptz,
  satisfaction    text,
  dispatched_at   timestamptz,
  sign_due_at     timestamptz,
  signed_at       timestamptz,
  handle_due_at   timestamptz,
  handled_at      timestamptz,
  geom            geometry(Point, 4490) NOT NULL,
  grid_code       text,
  grid_version    integer,
  community_code  text,
  city_code       text,
  -- which boundary located the row: 'at_report' (the grid version valid when it was reported),
  -- 'current' (no version of that time contains it) or 'anchor' (generator fallback)
  grid_basis      text
) ON COMMIT DROP;
CREATE INDEX ON event_import_stage (line);
