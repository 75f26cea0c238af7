-- The next per-city, per-day sequence number for public event numbers. Its own autocommit
-- statement: the counter row is locked for this statement only, not for the whole intake
-- (which would serialise every intake of the city on that row). A failed intake leaves a gap
-- in the day's numbers, which is harmless: numbers are unique, not dense.
INSERT INTO event_number_counter (city_code, day, last)
VALUES (:cityCode, :day::date, 1)
ON CONFLICT (city_code, day) DO UPDATE SET last = event_number_counter.last + 1
RETURNING last
