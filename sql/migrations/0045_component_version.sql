-- A version on components (部件) for the lock-free optimistic checks of WFS-T (issue 16 item 2):
-- a client that read version n asks to change or delete the component only while it is still n
-- (fes:ResourceId rid="components.<id>" version="n"), and is refused when someone changed it
-- since. A row trigger keeps the count whatever path writes (imports, WFS-T, line records,
-- offline sync), so no writer can forget it; updated_at moves with it.
ALTER TABLE component ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);

CREATE FUNCTION component_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER component_version BEFORE UPDATE ON component
  FOR EACH ROW EXECUTE FUNCTION component_bump_version();
