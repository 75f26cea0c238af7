-- Address geocoding (issue 3): comparison keys and indexes on std_address.
--
-- Decisions
-- * No pg_trgm. Debian's PostgreSQL has it, but the embedded PGlite PostGIS build does not
--   (CREATE EXTENSION pg_trgm: 'extension "pg_trgm" is not available'), and SQL must run on
--   both. Fuzzy matching of road and estate names therefore happens in the service, against
--   the city's name vocabulary (a few hundred distinct names, cached), and the table is only
--   probed by exact keys through the btree indexes below.
-- * Number-like components are compared by key: 18号 → 18, 3号楼 / 3栋 / 3幢 / 3座 → 3,
--   2单元 → 2, 501室 / 501户 → 501, full-width digits and letters made ASCII. The keys are
--   generated columns, so every writer of std_address (fixtures, importers) gets them without
--   knowing about them. The rule matches numberKey() in server/addresses/normalize.ts.

CREATE FUNCTION address_number_key(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT nullif(
    regexp_replace(
      regexp_replace(
        upper(translate(v, '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－＃',
                             '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#')),
        '\s+', '', 'g'),
      '(号楼|号院|单元|号|栋|幢|座|楼|室|户|房|#)$', ''),
    '')
$$;

ALTER TABLE std_address
  ADD COLUMN house_key    text GENERATED ALWAYS AS (address_number_key(house_number)) STORED,
  ADD COLUMN building_key text GENERATED ALWAYS AS (address_number_key(building)) STORED,
  ADD COLUMN unit_key     text GENERATED ALWAYS AS (address_number_key(unit)) STORED,
  ADD COLUMN room_key     text GENERATED ALWAYS AS (address_number_key(room)) STORED;

-- Candidate retrieval: a doorplate by road + house number, a building by estate + building
-- number, a road's level-40 rows by road; city first, as every large table is keyed by city.
CREATE INDEX std_address_road_house_key_idx ON std_address (city_code, road, house_key);
CREATE INDEX std_address_estate_building_key_idx ON std_address (city_code, estate, building_key)
  WHERE estate IS NOT NULL;

-- Reverse geocoding asks for the nearest doorplate (level 50): a partial GiST index keeps the
-- KNN walk (ORDER BY geom <-> point) off the road (40) and room (60) rows.
CREATE INDEX std_address_doorplate_geom_idx ON std_address USING gist (geom) WHERE level = 50;
