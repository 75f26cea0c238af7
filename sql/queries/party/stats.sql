-- Party-building statistics inside the caller's jurisdiction and one area, per admin area of the
-- rows (the service groups them one level below the area asked for): organisations, members
-- (probationary, in difficulty), positions, projects by status; activities (count, study
-- sessions, hours, person-hours = hours x participants) by held_at and care (count, amount) by
-- cared_on within the period [from, to) (NULL: open). One row per (area, metric).
WITH scope AS (SELECT CAST(:patterns AS text[]) AS patterns, CAST(:area AS text) AS area),
o AS (SELECT community_code, count(*) AS n FROM party_org, scope
      WHERE community_code LIKE ANY (scope.patterns) AND community_code LIKE scope.area GROUP BY 1),
m AS (SELECT community_code, count(*) AS n, count(*) FILTER (WHERE status = 'probationary') AS probationary,
        count(*) FILTER (WHERE in_difficulty) AS in_difficulty
      FROM party_member, scope WHERE community_code LIKE ANY (scope.patterns) AND community_code LIKE scope.area GROUP BY 1),
ps AS (SELECT community_code, count(*) AS n FROM party_position, scope
      WHERE community_code LIKE ANY (scope.patterns) AND community_code LIKE scope.area GROUP BY 1),
pr AS (SELECT community_code, count(*) AS n, count(*) FILTER (WHERE status = 'ongoing') AS ongoing, count(*) FILTER (WHERE status = 'done') AS done
      FROM party_project, scope WHERE community_code LIKE ANY (scope.patterns) AND community_code LIKE scope.area GROUP BY 1),
a AS (SELECT community_code, count(*) AS n, count(*) FILTER (WHERE kind = 'study') AS study, sum(hours) AS hours, sum(hours * participants) AS person_hours
      FROM party_activity, scope WHERE community_code LIKE ANY (scope.patterns) AND community_code LIKE scope.area
        AND (CAST(:from AS timestamptz) IS NULL OR held_at >= CAST(:from AS timestamptz))
        AND (CAST(:to AS timestamptz) IS NULL OR held_at < CAST(:to AS timestamptz))
      GROUP BY 1),
c AS (SELECT community_code, count(*) AS n, coalesce(sum(amount), 0) AS amount
      FROM party_care, scope WHERE community_code LIKE ANY (scope.patterns) AND community_code LIKE scope.area
        AND (CAST(:from AS timestamptz) IS NULL OR cared_on >= (CAST(:from AS timestamptz) AT TIME ZONE 'Asia/Shanghai')::date)
        AND (CAST(:to AS timestamptz) IS NULL OR cared_on < (CAST(:to AS timestamptz) AT TIME ZONE 'Asia/Shanghai')::date)
      GROUP BY 1)
SELECT community_code, 'orgs' AS metric, n::float8 AS value FROM o
UNION ALL SELECT community_code, 'members', n::float8 FROM m
UNION ALL SELECT community_code, 'probationary', probationary::float8 FROM m
UNION ALL SELECT community_code, 'inDifficulty', in_difficulty::float8 FROM m
UNION ALL SELECT community_code, 'positions', n::float8 FROM ps
UNION ALL SELECT community_code, 'projects', n::float8 FROM pr
UNION ALL SELECT community_code, 'projectsOngoing', ongoing::float8 FROM pr
UNION ALL SELECT community_code, 'projectsDone', done::float8 FROM pr
UNION ALL SELECT community_code, 'activities', n::float8 FROM a
UNION ALL SELECT community_code, 'studySessions', study::float8 FROM a
UNION ALL SELECT community_code, 'activityHours', hours::float8 FROM a
UNION ALL SELECT community_code, 'activityPersonHours', person_hours::float8 FROM a
UNION ALL SELECT community_code, 'care', n::float8 FROM c
UNION ALL SELECT community_code, 'careAmount', amount::float8 FROM c
