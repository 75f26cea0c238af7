-- Demo people: the head of each household is its eldest registered member.
UPDATE household hh SET head_resident_id = h.id
FROM (SELECT DISTINCT ON (r.household_id) r.household_id, r.id FROM resident r
      WHERE r.city_code = :city AND r.household_id IS NOT NULL ORDER BY r.household_id, r.birth_date, r.id) AS h
WHERE hh.id = h.household_id AND hh.head_resident_id IS NULL
