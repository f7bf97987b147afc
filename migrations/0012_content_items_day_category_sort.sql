-- The day-sorted indexes of 0008 with the category after the day: "this week's development clips by views" reads
-- each (day, category) run's best rows instead of walking every category's entries in each day's run and
-- skipping four in five (content-item-day-runs.ts). The 0008 indexes stay for queries without a category filter.
CREATE INDEX content_items_day_category_views ON content_items (created_day, content_category, clip_view_count, content_item_id);
CREATE INDEX content_items_day_category_duration ON content_items (created_day, content_category, clip_duration, content_item_id);
CREATE INDEX content_items_day_category_score ON content_items (created_day, content_category, score_sort, content_item_id);
