-- The day-sorted indexes of 0007 on plain (virtual generated) columns instead of expressions, so queries name
-- them (created_day, score_sort) instead of repeating the expressions, and a keyset cursor's row value,
-- (sort value, id) > (?, ?), seeks both columns (SQLite seeks by row values only on plain index columns; on the
-- expressions the cursor was a filter, not a seek). sortedPageQuery merges the days' runs one row at a time
-- with a recursive CTE (a priority queue) over these indexes. Virtual columns cost nothing to store; the indexes
-- hold the same entries as before.
ALTER TABLE content_items ADD COLUMN created_day TEXT GENERATED ALWAYS AS (substr(clip_created_at, 1, 10)) VIRTUAL;
ALTER TABLE content_items ADD COLUMN score_sort REAL GENERATED ALWAYS AS (IFNULL(content_score, -1)) VIRTUAL;

DROP INDEX content_items_day_views;
DROP INDEX content_items_day_duration;
DROP INDEX content_items_day_score;
CREATE INDEX content_items_day_views ON content_items (created_day, clip_view_count, content_item_id);
CREATE INDEX content_items_day_duration ON content_items (created_day, clip_duration, content_item_id);
CREATE INDEX content_items_day_score ON content_items (created_day, score_sort, content_item_id);
