-- Collection tasks with forms (专题数据采集, issue 19 item 4).
--
-- A form is an ODK XForm kept as uploaded (the mobile app renders that very XML) beside the
-- fields the server read from it (server/forms/xform.ts), which validate returns and give the
-- form's layer its attributes. A task sends a form to the inspectors of chosen grids with a
-- deadline; a return is one filled instance, identified by the ODK instanceID so a replayed
-- submission is recognised, reviewed (accepted or returned with a reason) and, once accepted,
-- drawn on the layer form_<form id> of the catalogue (tiles, WMS, WFS, OGC API Features).
CREATE TABLE collection_form (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_code   varchar(6) NOT NULL,
  -- the XForm's own id and version (attributes of the primary instance's root)
  xform_id    text NOT NULL CHECK (length(xform_id) BETWEEN 1 AND 200),
  version     text NOT NULL DEFAULT '' CHECK (length(version) <= 100),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  xml         text NOT NULL,
  definition  jsonb NOT NULL,
  created_by  bigint REFERENCES app_user (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_code, xform_id, version)
);

CREATE TABLE collection_task (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_code   varchar(6) NOT NULL,
  form_id     bigint NOT NULL REFERENCES collection_form (id),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  grid_codes  text[] NOT NULL CHECK (cardinality(grid_codes) BETWEEN 1 AND 500),
  -- the communities of those grids: who may see the task is decided on them (jurisdiction)
  community_codes text[] NOT NULL,
  deadline    timestamptz NOT NULL,
  created_by  bigint REFERENCES app_user (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collection_task_grids_idx ON collection_task USING gin (grid_codes);

CREATE TABLE collection_return (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_code    varchar(6) NOT NULL,
  task_id      bigint NOT NULL REFERENCES collection_task (id),
  -- copied from the task: the form's layer selects its rows by it without a join
  form_id      bigint NOT NULL REFERENCES collection_form (id),
  instance_id  text NOT NULL CHECK (length(instance_id) BETWEEN 1 AND 200),
  status       text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'returned')),
  reason       text CHECK (length(reason) <= 1000),
  -- the typed values by field name (server/forms/values.ts)
  data         jsonb NOT NULL,
  -- the form's geometry question: Point, MultiLineString or MultiPolygon
  geom         geometry(Geometry, 4490) NOT NULL,
  grid_code    varchar(20) NOT NULL,
  community_code varchar(12) NOT NULL,
  submitted_by bigint REFERENCES app_user (id),
  submitted_at timestamptz NOT NULL DEFAULT now(),
  reviewed_by  bigint REFERENCES app_user (id),
  reviewed_at  timestamptz,
  UNIQUE (task_id, instance_id),
  CHECK ((status = 'returned') = (reason IS NOT NULL))
);
CREATE INDEX collection_return_geom_idx ON collection_return USING gist (geom);
CREATE INDEX collection_return_layer_idx ON collection_return (form_id) WHERE status = 'accepted';

-- Accepted (or withdrawn) returns change the form's layer: the map caches learn the extent.
CREATE TRIGGER collection_return_changes_ins AFTER INSERT ON collection_return REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER collection_return_changes_upd AFTER UPDATE ON collection_return REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();

-- A new form is a new layer: other API instances add it to their catalogue when told.
CREATE FUNCTION collection_form_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gridgov_changes', json_build_object('table', 'collection_form',
    'bbox', json_build_array(-180, -90, 180, 90))::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER collection_form_changes AFTER INSERT ON collection_form
  FOR EACH STATEMENT EXECUTE FUNCTION collection_form_notify();
