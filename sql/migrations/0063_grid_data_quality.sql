-- Data quality per base grid (一格一档, issue 20 item 7): the score of a grid's records (registers,
-- components, addresses, members) as last computed, its parts, how many records are stale or
-- duplicated, and when its inspector was last told to fix them (once a month at most).
CREATE TABLE grid_data_quality (
  grid_code       varchar(20) PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL,
  score           numeric(5, 1) NOT NULL CHECK (score BETWEEN 0 AND 100),
  -- per part: rows, fresh, complete and the part's share (0-1); parts without rows are absent
  parts           jsonb NOT NULL,
  stale           integer NOT NULL DEFAULT 0 CHECK (stale >= 0),
  duplicates      integer NOT NULL DEFAULT 0 CHECK (duplicates >= 0),
  computed_at     timestamptz NOT NULL DEFAULT now(),
  notified_at     timestamptz
);
CREATE INDEX grid_data_quality_community_idx ON grid_data_quality (community_code text_pattern_ops);
CREATE INDEX grid_data_quality_score_idx ON grid_data_quality (score);
