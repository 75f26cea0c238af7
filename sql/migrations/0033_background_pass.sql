-- One run per period across instances for the periodic background passes (server/passLoop.ts,
-- a pass with everyMs: partitions, patrol, assessments, reports, audit housekeeping). Every
-- instance runs the same loops; the row of a pass says when it last started, and an instance runs
-- the pass only if its claim moves that time forward (sql/queries/background/pass_claim.sql), so
-- two instances never run one period's heavy pass twice. The passes stay safe without it (their
-- writes are unique or serialised); this saves the duplicated work. A crashed holder costs at
-- most one period: the next claim succeeds once the period is over.
CREATE TABLE background_pass (
  name        text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  started_at  timestamptz NOT NULL,
  -- host and process of the instance that claimed the period last, for operators
  instance    text NOT NULL CHECK (length(instance) <= 200)
);
