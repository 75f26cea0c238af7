-- Public opinion (舆情) and utility usage (水煤气用量), issue 19 items 3 and 2 (second half).
--
-- Feeds are configuration (URLs an administrator registers per city); posts keep every item a
-- feed ever delivered once: (feed, item key) is unique, so a feed read twice, or an item that
-- reappears edited, never doubles a post (server/opinion/pull.ts). A post is relevant, located
-- and then a candidate event that an operator accepts (→ an event of the 舆情 channel through
-- intake) or rejects with a reason.
CREATE TABLE opinion_feed (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  url             text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
  active          boolean NOT NULL DEFAULT true,
  last_pulled_at  timestamptz,
  last_error      text,
  created_by      bigint REFERENCES app_user (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_code, url)
);

CREATE TABLE opinion_post (
  id              bigserial PRIMARY KEY,
  feed_id         bigint NOT NULL REFERENCES opinion_feed (id),
  city_code       varchar(6) NOT NULL,
  -- the item's id/guid, else its link, else a hash of title and text
  item_key        text NOT NULL CHECK (length(item_key) BETWEEN 1 AND 500),
  title           text NOT NULL,
  content         text NOT NULL,
  link            text,
  author          text,
  published_at    timestamptz NOT NULL,
  -- topic keywords found by jieba (server/opinion/relevance.ts), and the place names of the city
  keywords        text[] NOT NULL DEFAULT '{}',
  places          text[] NOT NULL DEFAULT '{}',
  relevant        boolean NOT NULL,
  -- where the address geocoder put it (EPSG:4490) and what it matched
  address         text,
  geocoded        jsonb,
  community_code  varchar(12) REFERENCES admin_division (code),
  geom            geometry(Point, 4490),
  status          text NOT NULL CHECK (status IN ('irrelevant', 'unlocated', 'candidate', 'accepted', 'rejected')),
  reason          text CHECK (length(reason) <= 500),
  event_id        bigint,
  decided_by      bigint REFERENCES app_user (id),
  decided_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (feed_id, item_key),
  CHECK ((status = 'candidate') <= (geom IS NOT NULL AND community_code IS NOT NULL))
);
CREATE INDEX opinion_post_status_idx ON opinion_post (status, community_code text_pattern_ops);
CREATE INDEX opinion_post_city_time_idx ON opinion_post (city_code, published_at);

-- The channel that accepted posts come through: not accepted automatically (an operator decided
-- to take it, the event is then handled as any reported one).
INSERT INTO event_channel (code, name, auto_accept, auto_dispatch) VALUES ('public_opinion', '网络舆情', false, false)
ON CONFLICT (code) DO NOTHING;
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'channels', 'public_opinion', '2000-01-01T00:00:00Z',
  jsonb_build_object('name', '网络舆情', 'autoAccept', false, 'autoDispatch', false,
    'roles', jsonb_build_array('command_center', 'district_staff', 'street_staff')),
  '初始配置：由迁移 0059 加入（舆情候选事件由值班员受理后上报）', '系统'
WHERE NOT EXISTS (SELECT 1 FROM config_version WHERE kind = 'channels' AND key = 'public_opinion');

-- Monthly usage per household and utility, as imported (a re-import of the same month replaces
-- the amount: never doubled).
CREATE TABLE utility_usage (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  household_id    bigint NOT NULL REFERENCES household (id),
  utility         text NOT NULL CHECK (utility IN ('water', 'electricity', 'gas')),
  month           date NOT NULL CHECK (extract(day FROM month) = 1),
  amount          numeric(14, 3) NOT NULL CHECK (amount >= 0),
  imported_by     bigint REFERENCES app_user (id),
  imported_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (household_id, utility, month)
);

-- A month flagged by the rule (server/utility-usage/rule.ts), once per household, utility and
-- month: the inspector of the household's grid is notified when the row is inserted, so a
-- re-import does not notify twice.
CREATE TABLE utility_flag (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  household_id    bigint NOT NULL REFERENCES household (id),
  community_code  varchar(12) NOT NULL,
  grid_code       varchar(20),
  utility         text NOT NULL,
  month           date NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('drop', 'spike')),
  amount          numeric(14, 3) NOT NULL,
  baseline        numeric(14, 3) NOT NULL,
  lone_elderly    boolean NOT NULL,
  notified        integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (household_id, utility, month)
);
CREATE INDEX utility_flag_community_idx ON utility_flag (community_code text_pattern_ops, month);
