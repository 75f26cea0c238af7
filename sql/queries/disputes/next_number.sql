-- The next sequence number of the Beijing day for a city's dispute numbers (D + yyyymmdd + at
-- least four digits, formatted by disputes/store.ts). Taken in the registering transaction: a
-- failed registration rolls its increment back with it.
INSERT INTO dispute_number_counter AS c (city_code, day, last)
VALUES (:city, CAST(:day AS date), 1)
ON CONFLICT (city_code, day) DO UPDATE SET last = c.last + 1
RETURNING c.last
