-- The households a batch names (户号), created where new, placed at the first row's house.
INSERT INTO household (city_code, community_code, grid_code, household_number, house_id)
SELECT DISTINCT ON (s.household_number) :city, coalesce(h.community_code, s.community_code), h.grid_code, s.household_number, h.id
FROM json_to_recordset(:rows::json) AS s(household_number text, house_id bigint, community_code text)
LEFT JOIN house h ON h.id = s.house_id
ORDER BY s.household_number
ON CONFLICT (city_code, household_number) DO NOTHING
