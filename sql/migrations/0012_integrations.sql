-- Third-party platforms (数字城管, 综治, 12345热线 …): who receives which event changes, the
-- outbox rows that carry them, the delivery log, and status feedback from the platforms.
--
-- Nothing is lost: a row-level trigger on event_history writes one outbox row per subscribed
-- platform in the SAME transaction as the history row (intake, every transition, scheduler
-- escalations, notes). The deliverer (server/integrations/deliverer.ts) sends them later, with
-- retry and back-off, at least once; (topic, key) deduplicates and the key travels with the
-- message so a receiver can drop repeats.

CREATE TABLE integration_platform (
  code            text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  -- how messages travel; 'webhook' = JSON over HTTP POST. More adapters (SOAP, file drop) are
  -- added in server/integrations/adapters.ts and to this list.
  adapter         text NOT NULL DEFAULT 'webhook' CHECK (adapter IN ('webhook')),
  endpoint        text NOT NULL CHECK (endpoint ~ '^https?://[^[:space:]]+$' AND length(endpoint) <= 2000),
  -- HMAC-SHA256 key for the X-Gridgov-Signature header; it must be readable to sign, so it is
  -- kept as is (the API never answers it)
  secret          text CHECK (length(secret) BETWEEN 16 AND 200),
  -- subscription filters; NULL = everything
  actions         text[],
  channels        text[],
  class_prefixes  text[] CHECK (class_prefixes IS NULL OR array_to_string(class_prefixes, ',') ~ '^[0-9]{2,4}(,[0-9]{2,4})*$'),
  timeout_ms      integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 120000),
  -- a refusal (4xx other than 408/425/429) is retried this many times in all, then dead-lettered
  max_rejections  integer NOT NULL DEFAULT 3 CHECK (max_rejections BETWEEN 1 AND 100),
  enabled         boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- the trigger's first question, asked on every history row: does this city have a subscriber?
CREATE INDEX integration_platform_city_idx ON integration_platform (city_code) WHERE enabled;

-- Outbox rows for platforms: which platform and which event change they carry.
ALTER TABLE outbox
  ADD COLUMN platform_code     text REFERENCES integration_platform (code),
  ADD COLUMN event_id          bigint,
  ADD COLUMN event_created_at  timestamptz,
  ADD COLUMN event_seq         integer,
  -- a message the platform keeps refusing is parked here (dead letter) until an operator retries it
  ADD COLUMN dead_at           timestamptz,
  ADD COLUMN last_status_code  integer;
-- the deliverer's claim rides 0006's outbox_pending_idx (available_at WHERE delivered_at IS NULL):
-- dead letters are few, and every index here costs each event change of a subscribed city
-- per-event ordering (an earlier undelivered message of the same event and platform holds the
-- later ones back) and the operators' listing per platform
CREATE INDEX outbox_platform_event_idx ON outbox (platform_code, event_id, event_seq) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_platform_idx ON outbox (platform_code, id);

-- The delivery log: every attempt, with what the platform answered.
ALTER TABLE outbox_delivery
  ADD COLUMN platform_code  text,
  ADD COLUMN outcome        text CHECK (outcome IN ('delivered', 'retry', 'rejected', 'dead')),
  ADD COLUMN response       text CHECK (length(response) <= 1000);
CREATE INDEX outbox_delivery_outbox_idx ON outbox_delivery (outbox_id);
CREATE INDEX outbox_delivery_platform_idx ON outbox_delivery (platform_code, id);

-- Status feedback received from platforms; (platform, event, body hash) makes a repeated
-- identical feedback a replay. history_seq is NULL while it is being applied.
CREATE TABLE integration_feedback (
  id              bigserial PRIMARY KEY,
  platform_code   text NOT NULL REFERENCES integration_platform (code),
  event_id        bigint NOT NULL,
  event_number    text NOT NULL,
  city_code       varchar(6) NOT NULL,
  status          text NOT NULL,
  external_ref    text,
  reported_at     timestamptz NOT NULL,
  body_hash       char(64) NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  history_seq     integer,
  outcome         jsonb,
  UNIQUE (platform_code, event_number, body_hash)
);
CREATE INDEX integration_feedback_event_idx ON integration_feedback (event_id);

-- One outbox row per enabled platform of the event's city whose filters match the change.
-- Statement-level with a transition table: intake writes its 2-3 history rows in one statement,
-- and the event is looked up once per statement and event, not once per row (a lookup by id
-- probes every monthly partition, the dearest part). Without a subscriber in the city it is one
-- probe of integration_platform and returns.
-- The payload is a snapshot of the event as this statement leaves it, with the change itself
-- from the (append-only) history row: the message says what happened, whenever it is delivered.
-- The event is visible here even when inserted by the same statement (intake's CTE): AFTER
-- triggers run when the statement is complete. Reporter name and phone are never sent. A
-- platform's own feedback is not echoed back to it, and historic imports are not sent at all.
CREATE FUNCTION integration_outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM integration_platform p WHERE p.enabled
                 AND p.city_code IN (SELECT DISTINCT h.city_code FROM new_rows h)) THEN
    RETURN NULL;
  END IF;
  INSERT INTO outbox (city_code, topic, key, payload, platform_code, event_id, event_created_at, event_seq)
  SELECT h.city_code, 'integration', p.code || ':' || e.number || ':' || h.seq,
    jsonb_build_object(
      'schema', 'gridgov.event-change/1',
      'messageId', p.code || ':' || e.number || ':' || h.seq,
      'platform', p.code,
      'event', e.doc,
      'change', jsonb_build_object(
        'seq', h.seq, 'action', h.action, 'from', h.from_status, 'to', h.to_status, 'at', h.at,
        'actor', jsonb_build_object('role', h.actor_role, 'name', h.actor_name), 'comment', h.comment)),
    p.code, h.event_id, e.created_at, h.seq
  FROM new_rows h
  JOIN (
    SELECT ev.id, ev.number, ev.created_at, ev.channel, ev.class_code,
      jsonb_build_object(
        'number', ev.number, 'cityCode', ev.city_code, 'channel', ev.channel, 'demandType', ev.demand_type,
        'class', jsonb_build_object('code', ev.class_code, 'name', c.name),
        'description', ev.description, 'address', ev.address,
        'location', jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(ST_X(ev.geom), ST_Y(ev.geom)), 'crs', 'EPSG:4490'),
        'gridCode', ev.grid_code, 'communityCode', ev.community_code, 'streetCode', ev.street_code,
        'districtCode', ev.district_code, 'status', ev.status, 'priority', ev.priority, 'externalRef', ev.external_ref,
        'escalationLevel', ev.escalation_level, 'signDueAt', ev.sign_due_at, 'handleDueAt', ev.handle_due_at,
        'createdAt', ev.created_at) AS doc
    FROM (SELECT DISTINCT event_id FROM new_rows) ids
    CROSS JOIN LATERAL (SELECT * FROM event x WHERE x.id = ids.event_id LIMIT 1) ev
    JOIN event_class c ON c.code = ev.class_code
  ) e ON e.id = h.event_id
  JOIN integration_platform p ON p.city_code = h.city_code AND p.enabled
  WHERE (p.actions IS NULL OR h.action = ANY (p.actions))
    AND (p.channels IS NULL OR e.channel = ANY (p.channels))
    AND (p.class_prefixes IS NULL OR EXISTS (SELECT 1 FROM unnest(p.class_prefixes) AS cp WHERE starts_with(e.class_code, cp)))
    AND NOT (h.action = 'platform_feedback' AND coalesce(h.explanation->>'platform', '') = p.code)
    -- historic imports are old news: a bulk load must not flood the platforms with past events
    AND h.action <> 'import'
  -- ids in history order (operators read the outbox by id; the deliverer orders by event_seq)
  ORDER BY h.event_id, h.seq, p.code
  ON CONFLICT (topic, key) DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER event_history_outbox AFTER INSERT ON event_history REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION integration_outbox_enqueue();
