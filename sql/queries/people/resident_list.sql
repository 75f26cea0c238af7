-- Residents newest first (keyset on id), inside the caller's jurisdiction. `indexes` are the
-- blind indexes of an exact ID number (never the number itself); `house` finds everyone linked
-- to a house now (any role: registered, living, tenant); moved-out residents only when asked.
SELECT r.id, r.version, r.community_code, r.grid_code, r.name, r.gender, r.birth_date::text AS birth_date,
       r.id_number_sealed, r.id_number_masked, r.phone, r.kind, r.nationality, r.house_id, h.full_address AS house_address,
       hh.household_number,
       (SELECT rr.role FROM resident_residence rr WHERE rr.resident_id = r.id AND rr.house_id = r.house_id AND rr.valid_to IS NULL LIMIT 1) AS residence_role,
       r.flag, r.flagged_at, r.moved_out_at, r.verified_at, to_char(r.id_card_valid_until, 'YYYY-MM-DD') AS id_card_valid_until, r.created_at, r.updated_at, ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat
FROM resident r
LEFT JOIN house h ON h.id = r.house_id
LEFT JOIN household hh ON hh.id = r.household_id
WHERE r.city_code = :city AND r.community_code LIKE ANY(:patterns::text[])
  AND (:community::text IS NULL OR r.community_code LIKE :community::text || '%')
  AND (:grid::text IS NULL OR r.grid_code = :grid::text)
  AND (:indexes::text[] IS NULL OR r.id_number_index = ANY(:indexes::text[]))
  AND (:phone::text IS NULL OR r.phone = :phone::text)
  AND (:name::text IS NULL OR r.name LIKE :name::text || '%')
  AND (:flagged::boolean IS NULL OR (r.flag IS NOT NULL) = :flagged::boolean)
  AND (:kind::text IS NULL OR r.kind = :kind::text)
  AND (:house::bigint IS NULL OR EXISTS (SELECT 1 FROM resident_residence rr WHERE rr.resident_id = r.id AND rr.house_id = :house::bigint AND rr.valid_to IS NULL))
  AND (:movedOut::boolean IS NULL OR (r.moved_out_at IS NOT NULL) = :movedOut::boolean)
  AND (:after::bigint IS NULL OR r.id < :after::bigint)
  AND (:ids::bigint[] IS NULL OR r.id = ANY(:ids::bigint[]))
ORDER BY r.id DESC
LIMIT :limit
