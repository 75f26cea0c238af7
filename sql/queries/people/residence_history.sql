-- Where a resident lived or was registered, newest first, with the house's address.
SELECT rr.id, rr.house_id, h.full_address, h.community_code, h.grid_code, rr.role, rr.valid_from, rr.valid_to, rr.reason
FROM resident_residence rr
JOIN house h ON h.id = rr.house_id
WHERE rr.resident_id = :id
ORDER BY rr.valid_from DESC, rr.id DESC
