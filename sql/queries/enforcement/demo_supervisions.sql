-- Demo 督办: two of three rectifications overdue by more than three days (in object order, so the
-- choice does not depend on serial ids) got a notice four days after their due date.
INSERT INTO enforcement_supervision (result_id, note, answer_due, issued_at)
SELECT o.id, '整改逾期，请于期限内落实整改并答复', o.rectify_due + 7, CAST(o.rectify_due AS timestamptz) + interval '4 days'
FROM (
  SELECT r.id, r.rectify_due, row_number() OVER (ORDER BY r.object_type, r.object_id, r.checked_at) AS n
  FROM enforcement_result r
  WHERE r.city_code = :city AND r.rectified_at IS NULL AND r.rectify_due < CURRENT_DATE - 3
) o
WHERE o.n % 3 <> 0
RETURNING id
