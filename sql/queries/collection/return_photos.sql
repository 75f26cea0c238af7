-- The image answers of one return (alias r) with whether their photo is stored: a subquery of the
-- returns' select (server/collection-tasks/store.ts), in the form's question order.
SELECT coalesce(jsonb_agg(jsonb_build_object(
         'field', x.f ->> 'name', 'fileName', r.data ->> (x.f ->> 'name'), 'sha256', m.sha256, 'sizeBytes', m.size_bytes
       ) ORDER BY x.ord), CAST('[]' AS jsonb))
FROM collection_form cf
CROSS JOIN LATERAL jsonb_array_elements(cf.definition -> 'fields') WITH ORDINALITY AS x(f, ord)
LEFT JOIN collection_media m ON m.return_id = r.id AND m.file_name = r.data ->> (x.f ->> 'name')
WHERE cf.id = r.form_id AND x.f ->> 'type' = 'image' AND r.data ->> (x.f ->> 'name') IS NOT NULL
