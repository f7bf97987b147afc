-- Replay protection and idempotent responses for the HMAC-signed API (docs/storage.md).

-- One row per nonce ever accepted, kept until its timestamp + 300 s. Global, not per key: a primary-key insert
-- on the single D1 primary is the atomic check-and-set that makes concurrent replays fail.
CREATE TABLE auth_nonces (
  nonce      TEXT    PRIMARY KEY,
  key_id     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL  -- epoch ms
) WITHOUT ROWID;
CREATE INDEX auth_nonces_expires_at ON auth_nonces (expires_at);

-- The first response to a POST with X-Idempotency-Key, replayed for 24 h to retries with the same request.
-- scope = key id + NUL + idempotency key, so two clients never see each other's responses.
CREATE TABLE idempotency_records (
  scope                 TEXT    PRIMARY KEY,
  fingerprint           TEXT    NOT NULL,            -- method, path, canonical query, body sha256
  state                 TEXT    NOT NULL CHECK (state IN ('pending', 'done')),
  response_status       INTEGER,
  response_body         TEXT,
  response_content_type TEXT,
  created_at            INTEGER NOT NULL,            -- epoch ms
  locked_until          INTEGER NOT NULL,            -- epoch ms; a pending record past this may be taken over
  expires_at            INTEGER NOT NULL             -- epoch ms
) WITHOUT ROWID;
CREATE INDEX idempotency_records_expires_at ON idempotency_records (expires_at);
