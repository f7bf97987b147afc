-- Event ids name the repository in lower case (content-pipeline/schemas/github-event.ts): GitHub's owner/name is
-- case-insensitive, and backfill may know a repository in another case than its webhooks. Ids stored before are
-- rewritten, in the row and in its JSON; where both spellings of one event were stored, the lower-case row stays.
-- (repo is COLLATE NOCASE: the comparisons that must see case say COLLATE BINARY.)
UPDATE OR IGNORE github_events
SET event_id = substr(event_id, 1, instr(event_id, ':')) || lower(repo) || substr(event_id, instr(event_id, ':') + length(repo) + 1),
    event_json = json_set(event_json, '$.id', substr(event_id, 1, instr(event_id, ':')) || lower(repo) || substr(event_id, instr(event_id, ':') + length(repo) + 1))
WHERE substr(event_id, instr(event_id, ':') + 1, length(repo)) COLLATE BINARY <> lower(repo);

DELETE FROM github_events
WHERE substr(event_id, instr(event_id, ':') + 1, length(repo)) COLLATE BINARY <> lower(repo);
