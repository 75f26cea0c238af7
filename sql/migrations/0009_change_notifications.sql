-- Change notifications for map caches: every statement that writes map rows sends ONE
-- notification on channel gridgov_changes with the table and the extent (EPSG:4490) of the rows
-- it touched, old and new positions together. Statement-level with transition tables, so a bulk
-- import of 100,000 components is one notification, not 100,000. Listeners (tiles/changes.ts)
-- drop exactly the cached tiles that extent touches, in every API instance.
CREATE FUNCTION gridgov_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  extent box2d;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT ST_Extent(geom) INTO extent FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT ST_Extent(geom) INTO extent FROM old_rows;
  ELSE
    SELECT ST_Extent(geom) INTO extent FROM (SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows) r;
  END IF;
  IF extent IS NOT NULL THEN
    PERFORM pg_notify('gridgov_changes', json_build_object('table', TG_TABLE_NAME,
      'bbox', json_build_array(ST_XMin(extent), ST_YMin(extent), ST_XMax(extent), ST_YMax(extent)))::text);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER admin_division_changes_ins AFTER INSERT ON admin_division REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER admin_division_changes_upd AFTER UPDATE ON admin_division REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER admin_division_changes_del AFTER DELETE ON admin_division REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();

CREATE TRIGGER grid_changes_ins AFTER INSERT ON grid REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER grid_changes_upd AFTER UPDATE ON grid REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER grid_changes_del AFTER DELETE ON grid REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();

CREATE TRIGGER component_changes_ins AFTER INSERT ON component REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER component_changes_upd AFTER UPDATE ON component REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER component_changes_del AFTER DELETE ON component REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();

CREATE TRIGGER std_address_changes_ins AFTER INSERT ON std_address REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER std_address_changes_upd AFTER UPDATE ON std_address REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER std_address_changes_del AFTER DELETE ON std_address REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();

-- event is partitioned: statement triggers with transition tables on the parent see the rows of every partition
CREATE TRIGGER event_changes_ins AFTER INSERT ON event REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER event_changes_upd AFTER UPDATE ON event REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
