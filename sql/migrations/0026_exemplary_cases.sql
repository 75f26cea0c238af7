-- Exemplary cases (重点公示, Heilongjiang 6.4.1.8): events whose handling and result were good,
-- pinned by the command centre (or a district centre) so that the next similar event is offered
-- them with how they were handled.
--
-- * One row per pinning. Withdrawing a case (unpin) stamps unpinned_at / unpinned_by and a
--   reason; rows are never deleted and their words never change (a trigger refuses both), so the
--   record says what was on show and when. Pinning the same event again after a withdrawal makes
--   a new row; at most one row per event is on show at a time (the partial unique index).
-- * event_id + event_created_at name the event (its key in the partitioned event table; no
--   foreign key, like the other tables that refer to events, so test clean-ups and archiving of
--   old partitions are not blocked). community_code is the event's, copied at pinning (an
--   event's place never changes) so jurisdiction filters the cases without reading events.
CREATE TABLE exemplary_case (
  id                bigserial PRIMARY KEY,
  city_code         varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  event_id          bigint NOT NULL,
  event_created_at  timestamptz NOT NULL,
  event_number      text NOT NULL CHECK (event_number ~ '^E[0-9]{12,}$'),
  community_code    varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
  title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  summary           text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
  reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  tags              text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10),
  pinned_by         bigint NOT NULL REFERENCES app_user (id),
  pinned_at         timestamptz NOT NULL DEFAULT now(),
  unpinned_at       timestamptz,
  unpinned_by       bigint REFERENCES app_user (id),
  unpin_reason      text CHECK (length(unpin_reason) BETWEEN 1 AND 500),
  CHECK ((unpinned_at IS NULL) = (unpinned_by IS NULL))
);
CREATE UNIQUE INDEX exemplary_case_on_show_idx ON exemplary_case (event_id) WHERE unpinned_at IS NULL;
CREATE INDEX exemplary_case_pinned_idx ON exemplary_case (pinned_at DESC, id DESC);
CREATE INDEX exemplary_case_community_idx ON exemplary_case (community_code text_pattern_ops);

-- History is kept: no DELETE, and an UPDATE may only withdraw a case that is on show.
CREATE FUNCTION exemplary_case_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'exemplary_case rows are kept (DELETE refused); withdraw a case by setting unpinned_at';
  END IF;
  IF OLD.unpinned_at IS NOT NULL OR NEW.unpinned_at IS NULL
     OR (NEW.id, NEW.city_code, NEW.event_id, NEW.event_created_at, NEW.event_number, NEW.community_code, NEW.title,
         NEW.summary, NEW.reason, NEW.tags, NEW.pinned_by, NEW.pinned_at)
        IS DISTINCT FROM
        (OLD.id, OLD.city_code, OLD.event_id, OLD.event_created_at, OLD.event_number, OLD.community_code, OLD.title,
         OLD.summary, OLD.reason, OLD.tags, OLD.pinned_by, OLD.pinned_at) THEN
    RAISE EXCEPTION 'exemplary_case: only withdrawing a case on show may change it';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER exemplary_case_history BEFORE UPDATE OR DELETE ON exemplary_case
  FOR EACH ROW EXECUTE FUNCTION exemplary_case_keep_history();
