-- Before a batch of residents is written: each row's house (by id or full address, in this
-- city), the community it lands in, and where the person is registered already (by blind index).
SELECT s.ord, coalesce(h1.id, h2.id) AS house_id, coalesce(h1.status, h2.status) AS house_status,
       coalesce(h1.community_code, h2.community_code, s.community_code) AS community_code,
       d.code IS NOT NULL AS community_found, e.id AS existing_id, e.community_code AS existing_community
FROM json_to_recordset(:rows::json) AS s(ord int, house_id bigint, house_address text, community_code text, id_index text)
LEFT JOIN house h1 ON h1.id = s.house_id AND h1.city_code = :city
LEFT JOIN house h2 ON s.house_id IS NULL AND h2.city_code = :city AND h2.full_address = s.house_address
LEFT JOIN admin_division d ON d.code = coalesce(h1.community_code, h2.community_code, s.community_code) AND d.level = 'community' AND d.city_code = :city
LEFT JOIN resident e ON e.id_number_index = s.id_index
ORDER BY s.ord
