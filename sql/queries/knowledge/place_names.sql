-- The city's place names the segmenter keeps whole: division names (streets, communities) and
-- road names, at most 50,000 (a city has a few thousand).
SELECT name FROM (SELECT name FROM admin_division UNION SELECT name FROM road) n
WHERE length(name) BETWEEN 2 AND 20
LIMIT 50000
