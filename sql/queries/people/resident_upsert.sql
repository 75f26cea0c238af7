-- A batch of residents in one statement (import and create), their ID numbers sealed in Node:
-- the blind index is the natural key, so a person already registered is updated. A resident takes
-- the point, base grid and community of their house; a change of house clears a flag and a move-out.
-- A resident new to the register gets its first residence row (house and role) in the same
-- statement; the caller keeps the history of the updated ones (residence_close, residence_open).
WITH written AS (
  INSERT INTO resident AS r (city_code, community_code, grid_code, name, gender, birth_date, id_number_sealed, id_number_index,
    id_number_masked, phone, kind, nationality, house_id, household_id, geom, verified_at, id_card_valid_until)
  SELECT :city, coalesce(h.community_code, s.community_code), h.grid_code, s.name, s.gender, s.birth_date, s.id_sealed, s.id_index,
         s.id_masked, s.phone, s.kind, coalesce(s.nationality, 'CHN'), s.house_id, s.household_id, h.geom, s.verified_at,
         s.id_card_valid_until
  FROM json_to_recordset(:rows::json) AS s(ord int, name text, gender text, birth_date date, id_sealed text, id_index text, id_masked text,
    phone text, kind text, nationality text, house_id bigint, household_id bigint, community_code text, verified_at timestamptz,
    id_card_valid_until date)
  LEFT JOIN house h ON h.id = s.house_id
  ORDER BY s.ord
  ON CONFLICT (id_number_index) DO UPDATE SET
    name = EXCLUDED.name, phone = EXCLUDED.phone, kind = EXCLUDED.kind, nationality = EXCLUDED.nationality,
    community_code = EXCLUDED.community_code, grid_code = EXCLUDED.grid_code, geom = EXCLUDED.geom,
    house_id = EXCLUDED.house_id, household_id = coalesce(EXCLUDED.household_id, r.household_id),
    flag = CASE WHEN EXCLUDED.house_id IS DISTINCT FROM r.house_id THEN NULL ELSE r.flag END,
    flagged_at = CASE WHEN EXCLUDED.house_id IS DISTINCT FROM r.house_id THEN NULL ELSE r.flagged_at END,
    moved_out_at = NULL, verified_at = coalesce(EXCLUDED.verified_at, r.verified_at),
    id_card_valid_until = coalesce(EXCLUDED.id_card_valid_until, r.id_card_valid_until),
    version = r.version + 1, updated_at = now()
  RETURNING r.id, r.id_number_index, r.house_id, (r.xmax = 0) AS inserted
), opened AS (
  INSERT INTO resident_residence (resident_id, house_id, role, valid_from, reason)
  SELECT w.id, w.house_id, l.role, now(), :reason
  FROM written w
  JOIN json_to_recordset(:roles::json) AS l(id_index text, role text) ON l.id_index = w.id_number_index
  WHERE w.inserted AND w.house_id IS NOT NULL
)
SELECT id, id_number_index, inserted FROM written
