-- The per-user inbox (站内消息) and the quality-of-handling score (办理质量).
--
-- Inbox: one row per recipient and notice, written in the producer's transaction (server/inbox/
-- deliver.ts), so a notice exists exactly when the change that caused it commits. The inbox is
-- the store: the stream (SSE) and the messaging gateway (outbox) only carry copies, so a user who
-- was offline loses nothing. deliver_at is when the notice may reach the user: its creation time,
-- or the end of the user's quiet hours (免打扰) when it arrived inside them; pushed_at is when the
-- stream was told (NULL: held, released by the inbox loop once deliver_at has passed).
CREATE TABLE inbox_item (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{1,39}$'),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body        text CHECK (length(body) <= 4000),
  -- the event's number (E…) or id as the producer named it; no foreign key: events are partitioned
  event_ref   text CHECK (length(event_ref) <= 40),
  area_code   varchar(12) CHECK (area_code ~ '^[0-9]{12}$'),
  link        text CHECK (length(link) <= 500),
  data        jsonb CHECK (data IS NULL OR length(data::text) <= 8000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  deliver_at  timestamptz NOT NULL DEFAULT now(),
  pushed_at   timestamptz,
  -- the stream's resume cursor, drawn when the stream is told: a held notice released later gets a
  -- later number than those told meanwhile, so "everything after the last id" replays it
  push_seq    bigint,
  read_at     timestamptz
);
CREATE SEQUENCE inbox_push_seq;
-- the inbox listing (newest first) and the stream's replay (id > last seen)
CREATE INDEX inbox_item_user_idx ON inbox_item (user_id, id);
CREATE INDEX inbox_item_unread_idx ON inbox_item (user_id) WHERE read_at IS NULL;
CREATE INDEX inbox_item_replay_idx ON inbox_item (user_id, push_seq) WHERE push_seq IS NOT NULL;
-- the release pass: held notices whose quiet hours are over
CREATE INDEX inbox_item_held_idx ON inbox_item (deliver_at) WHERE pushed_at IS NULL;

-- Subscriptions: a user asks for notices of a kind in an area (inside the user's jurisdiction;
-- NULL area = the whole jurisdiction) beyond those addressed to the user, and whether they also
-- go out through the messaging gateway (external). Addressed notices of a kind with an external
-- subscription go out too.
CREATE TABLE inbox_subscription (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{1,39}$'),
  area_code   varchar(12) REFERENCES admin_division (code),
  external    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX inbox_subscription_unique_idx ON inbox_subscription (user_id, kind, coalesce(area_code, ''));
CREATE INDEX inbox_subscription_kind_idx ON inbox_subscription (kind);

-- A user's delivery settings: quiet hours (local wall-clock times in time_zone; start > end spans
-- midnight; emergencies are never held) and where the gateway reaches the user (a phone or an
-- IM user id; NULL: the account's phone).
CREATE TABLE inbox_setting (
  user_id           bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  quiet_start       time,
  quiet_end         time,
  time_zone         text NOT NULL DEFAULT 'Asia/Shanghai' CHECK (length(time_zone) BETWEEN 1 AND 64),
  external_address  text CHECK (length(external_address) BETWEEN 1 AND 100),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((quiet_start IS NULL) = (quiet_end IS NULL) AND (quiet_start IS NULL OR quiet_start <> quiet_end))
);

-- The messaging gateway adapter (DingTalk-robot-style JSON, server/inbox/gateway.ts).
ALTER TABLE integration_platform DROP CONSTRAINT integration_platform_adapter_check;
ALTER TABLE integration_platform ADD CONSTRAINT integration_platform_adapter_check CHECK (adapter IN ('webhook', 'sms', 'im'));

-- The inbox feed: what the producers did that someone should hear of, queued by triggers in the
-- producer's own transaction, so no producer imports the inbox and none is missed (intake, every
-- transition, the scheduler's 督办 and escalations, warnings, stored reports, assessment
-- snapshots). The inbox loop (server/inbox/feed.ts) turns each row into notices with deliver()
-- and marks it done; pg_notify wakes the loop at commit. (source, key) keeps a report of several
-- formats one notice.
CREATE TABLE inbox_feed (
  id          bigserial PRIMARY KEY,
  source      text NOT NULL CHECK (source IN ('event', 'supervision', 'warning', 'report', 'assessment')),
  ref         jsonb NOT NULL,
  key         text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  done_at     timestamptz,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text CHECK (length(last_error) <= 1000)
);
CREATE INDEX inbox_feed_pending_idx ON inbox_feed (id) WHERE done_at IS NULL;
CREATE UNIQUE INDEX inbox_feed_key_idx ON inbox_feed (source, key) WHERE key IS NOT NULL;

CREATE FUNCTION inbox_feed_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  src text := TG_ARGV[0];
  r jsonb;
  k text;
BEGIN
  IF src = 'event' THEN
    r := jsonb_build_object('eventId', NEW.event_id, 'seq', NEW.seq, 'action', NEW.action);
  ELSIF src = 'report' THEN
    r := jsonb_build_object('cityCode', NEW.city_code, 'kind', NEW.kind, 'label', NEW.label);
    k := NEW.city_code || ':' || NEW.kind || ':' || NEW.label;
  ELSE
    r := jsonb_build_object('id', NEW.id);
  END IF;
  INSERT INTO inbox_feed (source, ref, key) VALUES (src, r, k) ON CONFLICT DO NOTHING;
  PERFORM pg_notify('gridgov_inbox_feed', src);
  RETURN NULL;
END $$;

-- only the history actions that give someone a to-do (a new assignee); 督办 comes from
-- event_supervision, which names the department
CREATE TRIGGER inbox_feed_event AFTER INSERT ON event_history FOR EACH ROW
  WHEN (NEW.action IN ('dispatch', 'reassign', 'redispatch', 'coordinate_dispatch', 'escalate', 'forward'))
  EXECUTE FUNCTION inbox_feed_enqueue('event');
CREATE TRIGGER inbox_feed_supervision AFTER INSERT ON event_supervision FOR EACH ROW
  EXECUTE FUNCTION inbox_feed_enqueue('supervision');
CREATE TRIGGER inbox_feed_warning AFTER INSERT ON warning FOR EACH ROW
  EXECUTE FUNCTION inbox_feed_enqueue('warning');
CREATE TRIGGER inbox_feed_report AFTER INSERT ON report FOR EACH ROW
  EXECUTE FUNCTION inbox_feed_enqueue('report');
CREATE TRIGGER inbox_feed_assessment AFTER INSERT ON assessment_snapshot FOR EACH ROW
  EXECUTE FUNCTION inbox_feed_enqueue('assessment');

-- Quality of handling (办理质量): reviews of an event's handling by the competent department
-- (专业评价), the centre (中心评价) and the resident's follow-up (追评, recorded by the centre's
-- callback); the resident's evaluation itself is event.satisfaction. Append-only: the latest
-- review per source counts, earlier ones stay readable.
CREATE TABLE event_quality_review (
  id           bigserial PRIMARY KEY,
  event_id     bigint NOT NULL,
  city_code    varchar(6) NOT NULL,
  source       text NOT NULL CHECK (source IN ('department', 'centre', 'follow_up')),
  score        smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
  comment      text CHECK (length(comment) <= 1000),
  reviewer_id  bigint REFERENCES app_user (id),
  reviewer     text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_quality_review_event_idx ON event_quality_review (event_id, source, id);

-- The weights of the quality score per city, versioned: an event is scored under the version in
-- force when it closed (or now while open). Components missing from an event leave the others'
-- weights renormalised.
CREATE TABLE quality_weight (
  city_code        varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  version          integer NOT NULL CHECK (version >= 1),
  department       numeric(6, 4) NOT NULL CHECK (department >= 0),
  centre           numeric(6, 4) NOT NULL CHECK (centre >= 0),
  resident         numeric(6, 4) NOT NULL CHECK (resident >= 0),
  -- how much of the resident's part the follow-up review takes when there is one
  follow_up_share  numeric(5, 4) NOT NULL CHECK (follow_up_share BETWEEN 0 AND 1),
  -- the evaluation's satisfaction as a score
  satisfied        smallint NOT NULL CHECK (satisfied BETWEEN 0 AND 100),
  basically        smallint NOT NULL CHECK (basically BETWEEN 0 AND 100),
  dissatisfied     smallint NOT NULL CHECK (dissatisfied BETWEEN 0 AND 100),
  effective_from   timestamptz NOT NULL,
  created_by       bigint REFERENCES app_user (id),
  reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_code, version),
  CHECK (department + centre + resident > 0)
);
