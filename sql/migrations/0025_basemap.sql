-- Base map (issue 12, item 1): water and place names for the command screen's own vector base
-- map (/tiles/basemap, with the road centre lines of 0017), so nothing is loaded from outside.
--
-- Layout decisions
-- * Base geography is public: no jurisdiction column. What a printed city map shows (rivers,
--   lakes, district and estate names) is not sensitive, and the map must draw before sign-in.
-- * Water is two tables by geometry: areas (a lake, a river's banks) and centre lines (a river
--   or canal too narrow to draw as an area at a zoom). One geometry type per table keeps the
--   GiST index, the tile SQL and the change triggers plain.
-- * place_name.rank is the label priority (1 most important): the tiles drop ranks a zoom cannot
--   hold, and the page lets the lower rank win when two labels collide.
-- * Every table carries city_code (Citus distribution, per-city import and reload).

CREATE TABLE water_area (
  id         bigserial PRIMARY KEY,
  city_code  varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  name       text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 100),
  kind       text NOT NULL CHECK (kind IN ('river', 'lake', 'canal', 'reservoir', 'pond')),
  geom       geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX water_area_geom_idx ON water_area USING gist (geom);
CREATE INDEX water_area_city_idx ON water_area (city_code);

CREATE TABLE water_line (
  id         bigserial PRIMARY KEY,
  city_code  varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  name       text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 100),
  kind       text NOT NULL CHECK (kind IN ('river', 'canal', 'stream', 'ditch')),
  geom       geometry(MultiLineString, 4490) NOT NULL
);
CREATE INDEX water_line_geom_idx ON water_line USING gist (geom);
CREATE INDEX water_line_city_idx ON water_line (city_code);

CREATE TABLE place_name (
  id         bigserial PRIMARY KEY,
  city_code  varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind       text NOT NULL CHECK (kind IN ('city', 'district', 'street', 'community', 'estate', 'landmark')),
  -- label priority, 1 most important (city 1, district 2, street 3, landmark 4, community 5, estate 6)
  rank       smallint NOT NULL CHECK (rank BETWEEN 1 AND 9),
  geom       geometry(Point, 4490) NOT NULL
);
CREATE INDEX place_name_geom_idx ON place_name USING gist (geom);
CREATE INDEX place_name_city_idx ON place_name (city_code);

-- Writes reach the tile caches like every map table's (0009's gridgov_notify_change).
CREATE TRIGGER water_area_changes_ins AFTER INSERT ON water_area REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER water_area_changes_upd AFTER UPDATE ON water_area REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER water_area_changes_del AFTER DELETE ON water_area REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER water_line_changes_ins AFTER INSERT ON water_line REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER water_line_changes_upd AFTER UPDATE ON water_line REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER water_line_changes_del AFTER DELETE ON water_line REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER place_name_changes_ins AFTER INSERT ON place_name REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER place_name_changes_upd AFTER UPDATE ON place_name REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER place_name_changes_del AFTER DELETE ON place_name REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
