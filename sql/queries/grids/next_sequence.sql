-- The highest sequence ever used for codes with this prefix (retired codes included: they are
-- never reused, since events geocoded against them must keep pointing at one area). Called under
-- the community's advisory lock, so two writers cannot pick the same number.
SELECT coalesce(max(substr(code, :from)::int), 0) AS last
FROM grid
WHERE code LIKE :pattern AND length(code) = :length
