-- The ids of households by number in a city.
SELECT id, household_number FROM household WHERE city_code = :city AND household_number = ANY(:numbers::text[])
