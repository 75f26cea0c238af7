-- The assignment rule (调解员自动分派): among the active mediators of active bodies of the city
-- whose domains include the dispute's type and one of whose areas covers the dispute's community,
-- 1. mediators with room first (open disputes below capacity),
-- 2. the nearest level first: the most specific matching area (community 12 digits, street 9,
--    district 6, city 4 — an area code stands for its prefix, as in Jurisdiction),
-- 3. the least loaded: open ÷ capacity (numeric, exact enough to order),
-- 4. ties by the smaller id.
-- Open = assigned or mediating. Answers the winner with the figures of its choice and how many
-- mediators qualified; no row when none does.
WITH cand AS (
  SELECT m.id, m.capacity, m.body_id,
    (SELECT max(length(x.p)) FROM (
       SELECT CASE WHEN substr(a, 5) = '00000000' THEN left(a, 4)
                   WHEN substr(a, 7) = '000000' THEN left(a, 6)
                   WHEN substr(a, 10) = '000' THEN left(a, 9)
                   ELSE a END AS p
       FROM unnest(m.areas) AS a) x
     WHERE CAST(:community AS text) LIKE x.p || '%') AS depth,
    (SELECT count(*) FROM dispute d WHERE d.mediator_id = m.id AND d.status IN ('assigned', 'mediating'))::int AS open
  FROM mediator m
  JOIN mediation_body b ON b.id = m.body_id AND b.active
  WHERE m.city_code = :city AND m.active AND CAST(:type AS text) = ANY(m.domains)
)
SELECT c.id, c.capacity, c.depth, c.open, c.body_id,
  (SELECT count(*) FROM cand WHERE depth IS NOT NULL)::int AS candidates
FROM cand c
WHERE c.depth IS NOT NULL
ORDER BY (c.open >= c.capacity), c.depth DESC, CAST(c.open AS numeric) / c.capacity, c.id
LIMIT 1
