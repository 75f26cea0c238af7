-- Assessment (考核): rules with weights and versions, and immutable snapshots of closed periods.
--
-- A rule is a chain of versions (one row each, never changed): the version that applies to a
-- period is the one with the greatest effective_from on or before the period's first day (the
-- highest version number among equal dates), so a new version never rewrites a past period.
-- A snapshot is the ranking of one closed period under one version. A recalculation writes a
-- new snapshot that names the one it supersedes and says why; the old one stays readable.

CREATE TABLE assessment_rule (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  code            text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  version         integer NOT NULL CHECK (version >= 1),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  unit            text NOT NULL CHECK (unit IN ('district', 'street', 'community', 'department')),
  periods         text[] NOT NULL DEFAULT '{monthly}'
                    CHECK (cardinality(periods) >= 1 AND periods <@ ARRAY['daily', 'weekly', 'monthly', 'annual']::text[]),
  -- [{indicator, weight, better}], checked by the API (indicator names live in the code)
  items           jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) >= 1),
  effective_from  date NOT NULL,
  created_by      bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  reason          text CHECK (length(reason) <= 500),
  UNIQUE (city_code, code, version),
  -- every version after the first says why it was made
  CHECK (version = 1 OR (reason IS NOT NULL AND length(btrim(reason)) > 0))
);
CREATE INDEX assessment_rule_in_force_idx ON assessment_rule (city_code, code, effective_from DESC, version DESC);

CREATE TABLE assessment_snapshot (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  rule_code       text NOT NULL,
  rule_version    integer NOT NULL,
  period_kind     text NOT NULL CHECK (period_kind IN ('daily', 'weekly', 'monthly', 'annual')),
  period_label    text NOT NULL CHECK (length(period_label) <= 10),
  period_from     timestamptz NOT NULL,
  period_to       timestamptz NOT NULL CHECK (period_to > period_from),
  unit            text NOT NULL CHECK (unit IN ('district', 'street', 'community', 'department')),
  computed_at     timestamptz NOT NULL DEFAULT now(),
  computed_by     bigint, -- null: the scheduler
  -- a snapshot is superseded at most once, so the recalculations of a period form one chain
  supersedes      bigint UNIQUE REFERENCES assessment_snapshot (id),
  reason          text CHECK (length(reason) <= 500),
  -- [{rank, key, name, area, score, items: [{indicator, weight, better, numerator, denominator, rate, score}]}]
  rows            jsonb NOT NULL CHECK (jsonb_typeof(rows) = 'array'),
  FOREIGN KEY (city_code, rule_code, rule_version) REFERENCES assessment_rule (city_code, code, version),
  CHECK (supersedes IS NULL OR (reason IS NOT NULL AND length(btrim(reason)) > 0))
);
-- At most one first snapshot per rule and period: two scheduler instances write it once.
CREATE UNIQUE INDEX assessment_snapshot_first_idx ON assessment_snapshot (city_code, rule_code, period_kind, period_label)
  WHERE supersedes IS NULL;
CREATE INDEX assessment_snapshot_period_idx ON assessment_snapshot (city_code, rule_code, period_kind, period_label);

CREATE FUNCTION assessment_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable (% refused): write a new version or snapshot', TG_TABLE_NAME, TG_OP;
END $$;
CREATE TRIGGER assessment_rule_immutable BEFORE UPDATE OR DELETE ON assessment_rule
  FOR EACH ROW EXECUTE FUNCTION assessment_immutable();
CREATE TRIGGER assessment_snapshot_immutable BEFORE UPDATE OR DELETE ON assessment_snapshot
  FOR EACH ROW EXECUTE FUNCTION assessment_immutable();
