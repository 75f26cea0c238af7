-- A component's version counts changes, one per transaction: an import or a WFS-T Update that
-- writes the row and then its user fields (extra) in a second statement is one change, so a
-- component imported with user fields starts at version 1 and an edit moves it by exactly 1 (the
-- trigger of 0045 bumped it once per statement). A row already written by this transaction has
-- it as its xmin.
CREATE OR REPLACE FUNCTION component_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW IS DISTINCT FROM OLD AND OLD.xmin::text <> (pg_current_xact_id()::xid)::text THEN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$$;
