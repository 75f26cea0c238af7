-- Reporter groups: demands and distinct reporters per cell of one or two dimensions (age band,
-- gender, channel, time of day), and the grand total (GROUPING SETS), for events created in
-- [from, to) inside the jurisdiction. A reporter is the resident whose phone the event carries
-- (the people register gives gender and birth date; the lowest id when a phone is shared), else
-- the signed-in user, else the phone; events with none of these are counted apart (anonymous).
-- Dimensions are chosen with CASE over bound names: no column comes from the request text.
WITH person AS (
  SELECT DISTINCT ON (city_code, phone) city_code, phone, id, gender, birth_date
  FROM resident WHERE phone IS NOT NULL AND phone <> ''
  ORDER BY city_code, phone, id
), ev AS (
  SELECT e.channel,
    coalesce('r' || p.id, 'u' || e.reporter_user_id, 'p' || md5(nullif(e.reporter_phone, ''))) AS who,
    CASE p.gender WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' ELSE 'unknown' END AS gender,
    CASE WHEN p.birth_date IS NULL THEN 'unknown'
      ELSE (SELECT b.band FROM (VALUES (0, 'under18'), (18, '18-29'), (30, '30-44'), (45, '45-59'), (60, '60-74'), (75, '75plus')) b (lo, band)
            WHERE b.lo <= extract(year FROM age((e.created_at AT TIME ZONE 'Asia/Shanghai')::date, p.birth_date))
            ORDER BY b.lo DESC LIMIT 1) END AS age_band,
    CASE WHEN extract(hour FROM e.created_at AT TIME ZONE 'Asia/Shanghai') < 6 THEN 'night'
      WHEN extract(hour FROM e.created_at AT TIME ZONE 'Asia/Shanghai') < 12 THEN 'morning'
      WHEN extract(hour FROM e.created_at AT TIME ZONE 'Asia/Shanghai') < 18 THEN 'afternoon'
      ELSE 'evening' END AS time_of_day
  FROM event e
  LEFT JOIN person p ON p.city_code = e.city_code AND p.phone = e.reporter_phone
  WHERE e.created_at >= :from AND e.created_at < :to
    AND e.community_code LIKE ANY (:patterns::text[])
    AND (:area::text IS NULL OR e.community_code LIKE :area::text)
), cell AS (
  SELECT who,
    CASE :first::text WHEN 'ageBand' THEN age_band WHEN 'gender' THEN gender WHEN 'channel' THEN channel WHEN 'timeOfDay' THEN time_of_day END AS a,
    CASE :second::text WHEN 'ageBand' THEN age_band WHEN 'gender' THEN gender WHEN 'channel' THEN channel WHEN 'timeOfDay' THEN time_of_day END AS b
  FROM ev WHERE who IS NOT NULL
)
SELECT a, b, grouping(a, b)::integer AS total_row, count(DISTINCT who)::integer AS people, count(*)::integer AS demands,
  (SELECT count(*)::integer FROM ev WHERE who IS NULL) AS anonymous
FROM cell
GROUP BY GROUPING SETS ((a, b), ())
