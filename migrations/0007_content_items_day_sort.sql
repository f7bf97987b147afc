-- Indexes for "within these days, sorted by views / duration / score": one sorted run per UTC day of
-- clip_created_at, so a page sorted by anything but time reads about its own size from each day it spans instead
-- of every item in the range (content-item-sorted-page.ts, sortedPageQuery). The day is the same expression the counts
-- table uses (0006); the score keeps the IFNULL the sort uses, so unscored items sort last without a sort step.
CREATE INDEX content_items_day_views ON content_items (substr(clip_created_at, 1, 10), clip_view_count, content_item_id);
CREATE INDEX content_items_day_duration ON content_items (substr(clip_created_at, 1, 10), clip_duration, content_item_id);
CREATE INDEX content_items_day_score ON content_items (substr(clip_created_at, 1, 10), IFNULL(content_score, -1), content_item_id);
