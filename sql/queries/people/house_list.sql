-- Houses newest first (keyset on id), inside the caller's jurisdiction, with the count of
-- residents living there now (current residence rows, any role).
SELECT h.id, h.version, h.community_code, h.grid_code, h.address_id, h.building, h.unit, h.room, h.full_address,
       h.use, h.area::float8 AS area, h.owner_name, h.owner_phone, h.rented, h.status, h.demolished_at,
       h.verified_at, h.created_at, h.updated_at, ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       (SELECT count(*)::int FROM resident_residence rr WHERE rr.house_id = h.id AND rr.valid_to IS NULL) AS resident_count
FROM house h
WHERE h.city_code = :city AND h.community_code LIKE ANY(:patterns::text[])
  AND (:community::text IS NULL OR h.community_code LIKE :community::text || '%')
  AND (:grid::text IS NULL OR h.grid_code = :grid::text)
  AND (:q::text IS NULL OR strpos(h.full_address, :q::text) > 0)
  AND (:status::text IS NULL OR h.status = :status::text)
  AND (:after::bigint IS NULL OR h.id < :after::bigint)
  AND (:ids::bigint[] IS NULL OR h.id = ANY(:ids::bigint[]))
ORDER BY h.id DESC
LIMIT :limit
