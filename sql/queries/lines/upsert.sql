-- Lines written in one statement (a REST create is a batch of one, an import up to 5,000 rows),
-- placed by place.sql first: inserted, or, with update true, the line of the same code in the
-- city updated (version bumped). Without update a code already used returns no row (409).
-- line_refresh() then derives the communities, grids and components crossed.
INSERT INTO line AS l (city_code, community_code, grid_code, code, name, kind, guard_level, owner_unit, contact_name, contact_phone,
  tolerance_m, length_m, geom, note)
SELECT :city, r.community_code, r.grid_code, r.code, r.name, r.kind, r.guard_level, r.owner_unit, r.contact_name, r.contact_phone,
  r.tolerance_m, r.length_m, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4490)), r.note
FROM json_to_recordset(CAST(:rows AS json)) AS r(community_code varchar, grid_code varchar, code text, name text, kind text,
  guard_level text, owner_unit text, contact_name text, contact_phone text, tolerance_m real, length_m float8, geom text, note text)
ON CONFLICT (city_code, code) DO UPDATE SET
  community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code, name = EXCLUDED.name, kind = EXCLUDED.kind,
  guard_level = EXCLUDED.guard_level, owner_unit = EXCLUDED.owner_unit, contact_name = EXCLUDED.contact_name,
  contact_phone = EXCLUDED.contact_phone, tolerance_m = EXCLUDED.tolerance_m, length_m = EXCLUDED.length_m, geom = EXCLUDED.geom,
  note = EXCLUDED.note, version = l.version + 1, updated_at = now()
WHERE CAST(:update AS boolean)
RETURNING l.id, l.code, (l.xmax = 0) AS inserted
