-- Names of admin areas by code (statistics group labels).
SELECT code, name, level FROM admin_division WHERE code = ANY (CAST(:codes AS text[]))
