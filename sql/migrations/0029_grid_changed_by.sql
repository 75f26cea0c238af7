-- Who made each grid version (the 网格 panel's version list shows it). A boundary change, split or
-- merge inserts a new row, so the author of a version is the author of its row; attribute-only
-- changes edit the current row in place and leave it. Older rows (seeds, imports before this
-- migration) have none. Names are copied, not referenced: a version's author stays readable
-- after the account is renamed or removed.
ALTER TABLE grid ADD COLUMN changed_by text;
ALTER TABLE grid ADD COLUMN changed_by_name text;
