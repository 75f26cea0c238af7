-- Event ids of the mass warnings raised recently: a cluster sharing an event with one of them is
-- the same gathering, still going on, and raises nothing new.
SELECT w.event_ids AS ids
FROM warning w
WHERE w.city_code = :city AND w.kind = 'mass' AND w.raised_at > :since
