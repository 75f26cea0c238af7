-- Before a batch of houses is written: each row's standard address (when it names one) and the
-- community it lands in, so a missing address or community is refused with its row and field.
SELECT s.ord, s.address_id, a.id IS NOT NULL AS address_found,
       coalesce(a.community_code, s.community_code) AS community_code, d.code IS NOT NULL AS community_found,
       e.id AS existing_id, e.community_code AS existing_community
FROM json_to_recordset(:rows::json) AS s(ord int, address_id bigint, community_code text, full_address text)
LEFT JOIN std_address a ON a.id = s.address_id AND a.city_code = :city
LEFT JOIN admin_division d ON d.code = coalesce(a.community_code, s.community_code) AND d.level = 'community' AND d.city_code = :city
LEFT JOIN house e ON e.city_code = :city AND e.full_address = s.full_address
ORDER BY s.ord
