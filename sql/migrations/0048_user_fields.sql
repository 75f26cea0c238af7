-- User-defined attribute fields (自定义属性) on grids and components (issue 16 item 4).
--
-- An administrator defines a typed field per layer; its values live in the row's `extra`
-- object under the field's name, validated by the service on every write (server/fields).
-- The definitions are few and read at start-up into the layer catalogue, so WFS, OGC API
-- Features and the vector tiles show the fields like built-in attributes.
CREATE TABLE user_field (
  layer        text NOT NULL CHECK (layer IN ('grids', 'components')),
  name         text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,30}$'),
  label        text NOT NULL CHECK (length(label) BETWEEN 1 AND 50),
  type         text NOT NULL CHECK (type IN ('text', 'integer', 'number', 'boolean', 'date', 'choice')),
  -- the allowed values of a choice field (a JSON array of strings), NULL for the other types
  choices      jsonb CHECK ((type = 'choice') = (choices IS NOT NULL)),
  required     boolean NOT NULL DEFAULT false,
  -- the value a write that leaves the field out gets (already validated against the type)
  default_value jsonb,
  position     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (layer, name)
);

-- A constant default adds the column without rewriting the table.
ALTER TABLE grid ADD COLUMN extra jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE component ADD COLUMN extra jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Other API instances learn of a changed definition on the map change channel (their catalogue
-- gains or loses the attribute, their tiles of the layer are dropped). The bbox is the world:
-- every tile of the layer carries the attribute list.
CREATE FUNCTION user_field_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gridgov_changes', json_build_object('table', 'user_field',
    'bbox', json_build_array(-180, -90, 180, 90))::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER user_field_changes AFTER INSERT OR UPDATE OR DELETE ON user_field
  FOR EACH STATEMENT EXECUTE FUNCTION user_field_notify();
