-- Dispute statistics inside a jurisdiction, one statement: counts by type, street, community,
-- state and month of registration (Beijing time), each with the concluded ones by outcome and
-- the amounts at stake and agreed. Dimension 'all' is the total. Street codes are the
-- community's first nine digits padded with zeros.
WITH d AS (
  SELECT d.type, left(d.community_code, 9) || '000' AS street, d.community_code AS community, d.status,
    to_char(d.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, d.amount, d.agreement_amount
  FROM dispute d
  WHERE d.city_code = :city AND d.community_code LIKE ANY(CAST(:patterns AS text[]))
    AND (CAST(:area AS text) IS NULL OR d.community_code LIKE CAST(:area AS text))
    AND (CAST(:from AS timestamptz) IS NULL OR d.created_at >= CAST(:from AS timestamptz))
    AND (CAST(:to AS timestamptz) IS NULL OR d.created_at < CAST(:to AS timestamptz))
)
SELECT
  CASE WHEN GROUPING(type) = 0 THEN 'type' WHEN GROUPING(street) = 0 THEN 'street' WHEN GROUPING(community) = 0 THEN 'community'
       WHEN GROUPING(status) = 0 THEN 'status' WHEN GROUPING(month) = 0 THEN 'month' ELSE 'all' END AS dimension,
  COALESCE(type, street, community, status, month) AS key,
  count(*)::int AS total,
  count(*) FILTER (WHERE status = 'agreed')::int AS agreed,
  count(*) FILTER (WHERE status = 'failed')::int AS failed,
  count(*) FILTER (WHERE status = 'transferred')::int AS transferred,
  COALESCE(sum(amount), 0)::text AS amount,
  COALESCE(sum(agreement_amount) FILTER (WHERE status = 'agreed'), 0)::text AS agreed_amount
FROM d
GROUP BY GROUPING SETS ((type), (street), (community), (status), (month), ())
ORDER BY dimension, key
