-- Dispute mediation (矛盾纠纷调处, issue 15 item 2; Heilongjiang 6.3.3).
--
-- * mediation_body: 调解机构. community_code is the admin area the body sits in (a community, or a
--   street / district / the city padded to 12 digits, as for teams): jurisdiction by prefix, so a
--   street's staff see their street's committee and a community's staff do not. areas: the admin
--   codes it serves; domains: the dispute types it takes.
-- * mediator: 调解员 of a body (name and phone are personal fields), its own domains and areas,
--   capacity (open disputes it can carry), optionally the app_user who signs in as this mediator.
-- * dispute: 矛盾纠纷, numbered D + Beijing day + the day's sequence (dispute_number_counter, as
--   events). Located by its point (community and base grid found on write). status is the state
--   machine of server/disputes/machine.ts; the outcome columns are filled when it concludes.
-- * dispute_party: applicants, respondents and third parties (name, phone personal; the ID number
--   stored only sealed with its blind index and masked form).
-- * dispute_session: the mediation sessions held. dispute_log: every step with who and why
--   (assignments with the rule's reason, reassignments, risk changes, outcome, revisit, follow-up).
-- * warning.kind learns 'dispute_risk' (a high-risk dispute warns the command centre).

CREATE TABLE mediation_body (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind            text NOT NULL CHECK (kind IN ('people_committee', 'industry', 'administrative', 'other')),
  areas           text[] NOT NULL CHECK (cardinality(areas) BETWEEN 1 AND 200),
  domains         text[] NOT NULL CHECK (cardinality(domains) BETWEEN 1 AND 20),
  address         text CHECK (length(address) <= 200),
  phone           text CHECK (length(phone) BETWEEN 7 AND 24),
  active          boolean NOT NULL DEFAULT true,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_code, name)
);
CREATE INDEX mediation_body_community_idx ON mediation_body (community_code text_pattern_ops);

CREATE TABLE mediator (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  body_id         bigint NOT NULL REFERENCES mediation_body (id),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  phone           text CHECK (length(phone) BETWEEN 7 AND 24),
  user_id         bigint UNIQUE REFERENCES app_user (id),
  domains         text[] NOT NULL CHECK (cardinality(domains) BETWEEN 1 AND 20),
  areas           text[] NOT NULL CHECK (cardinality(areas) BETWEEN 1 AND 200),
  capacity        integer NOT NULL CHECK (capacity BETWEEN 1 AND 200),
  active          boolean NOT NULL DEFAULT true,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mediator_community_idx ON mediator (community_code text_pattern_ops);
CREATE INDEX mediator_body_idx ON mediator (body_id);

CREATE TABLE dispute_number_counter (
  city_code  varchar(6) NOT NULL,
  day        date NOT NULL,
  last       integer NOT NULL,
  PRIMARY KEY (city_code, day)
);

CREATE TABLE dispute (
  id                    bigserial PRIMARY KEY,
  number                text NOT NULL UNIQUE CHECK (number ~ '^D[0-9]{12,}$'),
  city_code             varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code        varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code             varchar(20),
  geom                  geometry(Point, 4490) NOT NULL,
  address               text CHECK (length(address) <= 200),
  title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  description           text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  type                  text NOT NULL CHECK (type IN ('marriage_family', 'neighbour', 'house_land', 'contract', 'damages', 'labour',
                          'property_mgmt', 'land_demolition', 'medical', 'other')),
  source                text NOT NULL CHECK (source IN ('visit', 'application', 'superior')),
  risk_level            text NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
  risk_reasons          text[] NOT NULL DEFAULT '{}',
  amount                numeric(14, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
  status                text NOT NULL CHECK (status IN ('registered', 'assigned', 'mediating', 'agreed', 'failed', 'transferred')),
  mediator_id           bigint REFERENCES mediator (id),
  assigned_at           timestamptz,
  assign_reason         jsonb,
  concluded_at          timestamptz,
  agreement_terms       text[],
  agreement_amount      numeric(14, 2) CHECK (agreement_amount >= 0),
  performance_due       date,
  performance           text CHECK (performance IN ('pending', 'performed', 'partly', 'not')),
  performance_checked_at timestamptz,
  performance_note      text CHECK (length(performance_note) <= 500),
  failure_reason        text CHECK (length(failure_reason) <= 500),
  transfer_to           text CHECK (transfer_to IN ('court', 'police', 'petition')),
  transfer_body         text CHECK (length(transfer_body) <= 100),
  revisited_at          timestamptz,
  revisit_satisfaction  text CHECK (revisit_satisfaction IN ('satisfied', 'basic', 'dissatisfied')),
  revisit_notes         text CHECK (length(revisit_notes) <= 500),
  registered_by         bigint REFERENCES app_user (id),
  version               integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IN ('registered')) = (mediator_id IS NULL)),
  CHECK ((status IN ('agreed', 'failed', 'transferred')) = (concluded_at IS NOT NULL)),
  CHECK (status <> 'agreed' OR (agreement_terms IS NOT NULL AND performance IS NOT NULL)),
  CHECK (status <> 'transferred' OR (transfer_to IS NOT NULL AND transfer_body IS NOT NULL))
);
CREATE INDEX dispute_community_idx ON dispute (community_code text_pattern_ops);
CREATE INDEX dispute_grid_idx ON dispute (grid_code);
CREATE INDEX dispute_geom_idx ON dispute USING gist (geom);
CREATE INDEX dispute_created_idx ON dispute (created_at DESC, id DESC);
CREATE INDEX dispute_mediator_open_idx ON dispute (mediator_id) WHERE status IN ('assigned', 'mediating');

CREATE TABLE dispute_party (
  id                bigserial PRIMARY KEY,
  dispute_id        bigint NOT NULL REFERENCES dispute (id) ON DELETE CASCADE,
  seq               smallint NOT NULL CHECK (seq BETWEEN 1 AND 50),
  role              text NOT NULL CHECK (role IN ('applicant', 'respondent', 'third_party')),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  id_number_sealed  text,
  id_number_index   text,
  id_number_masked  text,
  phone             text CHECK (length(phone) BETWEEN 7 AND 24),
  UNIQUE (dispute_id, seq)
);
CREATE INDEX dispute_party_index_idx ON dispute_party (id_number_index) WHERE id_number_index IS NOT NULL;

CREATE TABLE dispute_session (
  id            bigserial PRIMARY KEY,
  dispute_id    bigint NOT NULL REFERENCES dispute (id) ON DELETE CASCADE,
  held_at       timestamptz NOT NULL,
  place         text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
  attendees     text[] NOT NULL CHECK (cardinality(attendees) BETWEEN 1 AND 50),
  summary       text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
  recorded_by   bigint REFERENCES app_user (id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispute_session_dispute_idx ON dispute_session (dispute_id, held_at);

CREATE TABLE dispute_log (
  id            bigserial PRIMARY KEY,
  dispute_id    bigint NOT NULL REFERENCES dispute (id) ON DELETE CASCADE,
  action        text NOT NULL CHECK (action IN ('register', 'assign', 'unassigned', 'reassign', 'session', 'risk', 'conclude', 'revisit', 'performance')),
  from_status   text,
  to_status     text,
  actor_user_id bigint REFERENCES app_user (id),
  actor_role    text,
  reason        text CHECK (length(reason) <= 500),
  detail        jsonb NOT NULL DEFAULT '{}',
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispute_log_dispute_idx ON dispute_log (dispute_id, id);

ALTER TABLE warning DROP CONSTRAINT IF EXISTS warning_kind_check;
ALTER TABLE warning ADD CONSTRAINT warning_kind_check
  CHECK (kind IN ('spike', 'mass', 'repeat_reporter', 'near_deadline', 'new_hotspot', 'dispute_risk'));
