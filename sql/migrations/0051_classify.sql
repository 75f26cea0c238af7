-- Smart intake classification (issue 18, item 2): the trained models, the suggestions kept with
-- an event whose class was left to the classifier, and the operators' corrections that the next
-- training learns from.
--
-- Event rows are partitioned by month, so the tables below carry event_id (with created_at)
-- without a foreign key, like event_assist and event_verification.

-- One row per training run; the newest row is the model every instance loads (server/classify/store.ts).
-- The weights are a little-endian float32 matrix (classes × features) in a bytea: a JSON array of
-- a few hundred thousand numbers would be four times larger and slow to parse.
CREATE TABLE classify_model (
  id          bigserial PRIMARY KEY,
  trained_at  timestamptz NOT NULL DEFAULT now(),
  trained_by  text NOT NULL CHECK (length(trained_by) BETWEEN 1 AND 200),
  method      text NOT NULL,
  -- how many samples of each source: lexicon, class texts, events, corrections
  samples     jsonb NOT NULL,
  classes     jsonb NOT NULL,          -- ["0101", …] in matrix row order
  features    jsonb NOT NULL,          -- [[feature, idf], …] in matrix column order
  weights     bytea NOT NULL,
  bias        bytea NOT NULL,
  metrics     jsonb                    -- training accuracy and the like, for the record
);

-- The classifier's answer for an event reported without a class: applied when its best
-- suggestion reached the configured confidence, otherwise left to the operator (the event
-- carries the best suggestion as a provisional class and is not filed automatically).
CREATE TABLE event_classification (
  event_id          bigint NOT NULL,
  event_created_at  timestamptz NOT NULL,
  city_code         varchar(6) NOT NULL,
  model_id          bigint REFERENCES classify_model (id) ON DELETE SET NULL,
  applied           boolean NOT NULL,
  threshold         real NOT NULL,
  suggestions       jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_code, event_id, event_created_at)
);
CREATE INDEX event_classification_event_idx ON event_classification (event_id);

-- 分类纠正: an operator chose a class other than the suggested (or provisional) one. Kept with
-- the description, so a retrain learns from it even after the event is archived.
CREATE TABLE classify_correction (
  id                bigserial PRIMARY KEY,
  event_id          bigint NOT NULL,
  event_created_at  timestamptz NOT NULL,
  city_code         varchar(6) NOT NULL,
  description       text NOT NULL,
  suggested_class   varchar(4),
  chosen_class      varchar(4) NOT NULL REFERENCES event_class (code),
  confidence        real,
  model_id          bigint REFERENCES classify_model (id) ON DELETE SET NULL,
  user_id           bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX classify_correction_created_idx ON classify_correction (created_at);
