-- A batch of houses in one statement (import and create): the point is the one given or the
-- standard address's; the base grid is the current one containing the point, the smallest code
-- on a shared edge (as geocode/locate.sql); a full address already present is updated.
WITH src AS (
  SELECT s.*, a.community_code AS address_community,
         coalesce(CASE WHEN s.lon IS NOT NULL AND s.lat IS NOT NULL THEN ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4490) END, a.geom) AS pt
  FROM json_to_recordset(:rows::json) AS s(ord int, address_id bigint, full_address text, building text, unit text, room text,
    use text, area numeric, owner_name text, owner_phone text, rented boolean, status text, community_code text,
    lon float8, lat float8, verified_at timestamptz)
  LEFT JOIN std_address a ON a.id = s.address_id
)
INSERT INTO house AS h (city_code, community_code, grid_code, address_id, building, unit, room, full_address, use, area,
  owner_name, owner_phone, rented, status, demolished_at, geom, verified_at)
SELECT :city, coalesce(s.address_community, s.community_code),
       (SELECT g.code FROM grid g WHERE s.pt IS NOT NULL AND g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, s.pt) ORDER BY g.code LIMIT 1),
       s.address_id, s.building, s.unit, s.room, s.full_address, coalesce(s.use, 'residential'), s.area,
       s.owner_name, s.owner_phone, coalesce(s.rented, false), coalesce(s.status, 'in_use'),
       CASE WHEN s.status = 'demolished' THEN now() END, s.pt, s.verified_at
FROM src s
ORDER BY s.ord
ON CONFLICT (city_code, full_address) DO UPDATE SET
  community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code, address_id = EXCLUDED.address_id,
  building = EXCLUDED.building, unit = EXCLUDED.unit, room = EXCLUDED.room, use = EXCLUDED.use, area = EXCLUDED.area,
  owner_name = EXCLUDED.owner_name, owner_phone = EXCLUDED.owner_phone, rented = EXCLUDED.rented, status = EXCLUDED.status,
  demolished_at = CASE WHEN EXCLUDED.status = 'demolished' THEN coalesce(h.demolished_at, now()) END,
  geom = EXCLUDED.geom, verified_at = coalesce(EXCLUDED.verified_at, h.verified_at),
  version = h.version + 1, updated_at = now()
RETURNING h.id, h.full_address, h.status, (h.xmax = 0) AS inserted
