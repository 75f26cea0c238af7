-- Vehicles written in one statement (a REST create is a batch of one, an import a batch of up to
-- 5,000 rows): inserted, or, with update true, the row of the same plate updated (its version
-- bumped). Without update a plate already registered returns no row (the caller answers 409).
-- inserted: whether the row is new (xmax is 0 for a row this statement inserted).
INSERT INTO vehicle AS v (city_code, community_code, grid_code, plate, plate_type, kind, use, brand, colour, owner_relation,
  resident_id, owner_name, owner_phone, owner_id_number_sealed, owner_id_number_index, owner_id_number_masked, note, verified_at)
SELECT :city, r.community_code, r.grid_code, r.plate, r.plate_type, r.kind, r.use, r.brand, r.colour, r.owner_relation,
  r.resident_id, r.owner_name, r.owner_phone, r.id_sealed, r.id_index, r.id_masked, r.note, CASE WHEN r.verified THEN now() END
FROM json_to_recordset(CAST(:rows AS json)) AS r(community_code varchar, grid_code varchar, plate varchar, plate_type text, kind text,
  use text, brand text, colour text, owner_relation text, resident_id bigint, owner_name text, owner_phone text, id_sealed text,
  id_index text, id_masked text, note text, verified boolean)
ON CONFLICT (plate) DO UPDATE SET
  community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code, plate_type = EXCLUDED.plate_type, kind = EXCLUDED.kind,
  use = EXCLUDED.use, brand = EXCLUDED.brand, colour = EXCLUDED.colour, owner_relation = EXCLUDED.owner_relation,
  resident_id = EXCLUDED.resident_id, owner_name = EXCLUDED.owner_name, owner_phone = EXCLUDED.owner_phone,
  owner_id_number_sealed = EXCLUDED.owner_id_number_sealed, owner_id_number_index = EXCLUDED.owner_id_number_index,
  owner_id_number_masked = EXCLUDED.owner_id_number_masked, note = EXCLUDED.note,
  verified_at = COALESCE(EXCLUDED.verified_at, v.verified_at), version = v.version + 1, updated_at = now()
WHERE CAST(:update AS boolean)
RETURNING v.id, v.plate, (v.xmax = 0) AS inserted
