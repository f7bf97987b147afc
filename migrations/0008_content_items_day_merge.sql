-- The day-sorted indexes of 0007 on plain (virtual generated) columns instead of expressions. SQLite seeks an
-- index by a row value, (sort value, id) < (?, ?), only on plain columns: with the expressions, "the next row
-- after this one" in a day's run had to walk every tie of the sort value. sortedPageQuery merges the days' runs
-- one row at a time (a priority queue in a recursive CTE), so each step is one such seek. Virtual columns cost
-- nothing to store; the indexes hold the same entries as before.
ALTER TABLE content_items ADD COLUMN created_day TEXT GENERATED ALWAYS AS (substr(clip_created_at, 1, 10)) VIRTUAL;
ALTER TABLE content_items ADD COLUMN score_sort REAL GENERATED ALWAYS AS (IFNULL(content_score, -1)) VIRTUAL;

DROP INDEX content_items_day_views;
DROP INDEX content_items_day_duration;
DROP INDEX content_items_day_score;
CREATE INDEX content_items_day_views ON content_items (created_day, clip_view_count, content_item_id);
CREATE INDEX content_items_day_duration ON content_items (created_day, clip_duration, content_item_id);
CREATE INDEX content_items_day_score ON content_items (created_day, score_sort, content_item_id);
