-- Objects a forced restore removes first: our tables, views, sequences and functions in every
-- non-system schema, never an extension's (PostGIS stays, a superuser installed it).
SELECT kind, schema, name, args FROM (
  SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                        WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind,
         n.nspname AS schema, c.relname AS name, NULL::text AS args, c.oid AS oid, 'pg_class'::regclass AS classid
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
         n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.oid, 'pg_proc'::regclass
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
) o
WHERE schema NOT IN ('pg_catalog', 'information_schema') AND schema NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.oid AND d.deptype = 'e')
ORDER BY CASE kind WHEN 'VIEW' THEN 0 WHEN 'MATERIALIZED VIEW' THEN 1 ELSE 2 END, schema, name
