-- Demo people: one household (户) per house with registered residents, numbered after the house.
INSERT INTO household (city_code, community_code, grid_code, household_number, house_id)
SELECT h.city_code, h.community_code, h.grid_code, 'H' || h.id, h.id
FROM json_to_recordset(:rows::json) AS s(house_id bigint)
JOIN house h ON h.id = s.house_id
ON CONFLICT (city_code, household_number) DO NOTHING
RETURNING id, house_id
