-- Per-day counts of content items by processing status and category, kept by triggers, so the generation API's
-- total_items over whole UTC days reads one row per day instead of every item in the range (docs/storage.md).
-- Every item is counted at four grains: (status, category), (status, '*'), ('*', category) and ('*', '*'), so a
-- query with or without either filter seeks exactly the rows it sums. A NULL category counts as ''.
CREATE TABLE content_item_counts (
  processing_status TEXT    NOT NULL,   -- a status, or '*' for all
  content_category  TEXT    NOT NULL,   -- a category, '' for none yet, or '*' for all
  day               TEXT    NOT NULL,   -- YYYY-MM-DD of clip_created_at (UTC)
  n                 INTEGER NOT NULL,
  PRIMARY KEY (processing_status, content_category, day)
) WITHOUT ROWID;

CREATE TRIGGER content_item_counts_insert AFTER INSERT ON content_items
BEGIN
  INSERT INTO content_item_counts (processing_status, content_category, day, n) VALUES
    (NEW.processing_status, IFNULL(NEW.content_category, ''), substr(NEW.clip_created_at, 1, 10), 1),
    (NEW.processing_status, '*', substr(NEW.clip_created_at, 1, 10), 1),
    ('*', IFNULL(NEW.content_category, ''), substr(NEW.clip_created_at, 1, 10), 1),
    ('*', '*', substr(NEW.clip_created_at, 1, 10), 1)
  ON CONFLICT (processing_status, content_category, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER content_item_counts_delete AFTER DELETE ON content_items
BEGIN
  UPDATE content_item_counts SET n = n - 1
  WHERE day = substr(OLD.clip_created_at, 1, 10)
    AND processing_status IN (OLD.processing_status, '*')
    AND content_category IN (IFNULL(OLD.content_category, ''), '*');
END;

CREATE TRIGGER content_item_counts_update AFTER UPDATE OF clip_created_at, processing_status, content_category ON content_items
WHEN OLD.processing_status IS NOT NEW.processing_status
  OR OLD.content_category IS NOT NEW.content_category
  OR substr(OLD.clip_created_at, 1, 10) IS NOT substr(NEW.clip_created_at, 1, 10)
BEGIN
  UPDATE content_item_counts SET n = n - 1
  WHERE day = substr(OLD.clip_created_at, 1, 10)
    AND processing_status IN (OLD.processing_status, '*')
    AND content_category IN (IFNULL(OLD.content_category, ''), '*');
  INSERT INTO content_item_counts (processing_status, content_category, day, n) VALUES
    (NEW.processing_status, IFNULL(NEW.content_category, ''), substr(NEW.clip_created_at, 1, 10), 1),
    (NEW.processing_status, '*', substr(NEW.clip_created_at, 1, 10), 1),
    ('*', IFNULL(NEW.content_category, ''), substr(NEW.clip_created_at, 1, 10), 1),
    ('*', '*', substr(NEW.clip_created_at, 1, 10), 1)
  ON CONFLICT (processing_status, content_category, day) DO UPDATE SET n = n + 1;
END;

-- Items stored before this migration.
INSERT INTO content_item_counts (processing_status, content_category, day, n)
SELECT processing_status, IFNULL(content_category, ''), substr(clip_created_at, 1, 10), COUNT(*) FROM content_items GROUP BY 1, 2, 3
UNION ALL
SELECT processing_status, '*', substr(clip_created_at, 1, 10), COUNT(*) FROM content_items GROUP BY 1, 3
UNION ALL
SELECT '*', IFNULL(content_category, ''), substr(clip_created_at, 1, 10), COUNT(*) FROM content_items GROUP BY 2, 3
UNION ALL
SELECT '*', '*', substr(clip_created_at, 1, 10), COUNT(*) FROM content_items GROUP BY 3;
