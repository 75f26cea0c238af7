-- Adult residents the demo party members may be (every seventh, up to the limit), when the people
-- register is loaded.
SELECT r.id, r.name, r.phone, r.gender, r.community_code, r.grid_code
FROM resident r
WHERE r.city_code = :city AND r.birth_date < CAST(:adultBefore AS date) AND r.moved_out_at IS NULL AND r.id % 7 = 0
ORDER BY r.id
LIMIT :limit
