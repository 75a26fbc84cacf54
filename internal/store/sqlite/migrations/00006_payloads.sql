-- Raw payloads (webhook deliveries and poller reports) stored before they
-- are acknowledged, and the vendor event keys already processed. The
-- PostgreSQL schema in internal/store/postgres/migrations has the same
-- tables and columns.

-- +goose Up

CREATE TABLE payloads (
    -- AUTOINCREMENT: an id is never reused after pruning, so an event's
    -- raw_ref ("payload:ID") can only ever name its own payload.
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at  TEXT NOT NULL,
    source       TEXT NOT NULL,
    provider     TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL,
    state        TEXT NOT NULL, -- pending | processed | duplicate | unparsed | failed
    error        TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    event_key    TEXT NOT NULL,
    events       INTEGER NOT NULL,
    processed_at TEXT
) STRICT;

-- Workers look for pending payloads after a restart; few are pending at
-- any time, so a partial index stays small.
CREATE INDEX payloads_pending ON payloads (id) WHERE state = 'pending';
CREATE INDEX payloads_received_at ON payloads (received_at);

CREATE TABLE payload_keys (
    provider    TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    key         TEXT NOT NULL,
    payload_id  INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider, source_id, key)
) STRICT;

CREATE INDEX payload_keys_received_at ON payload_keys (received_at);

-- +goose Down
DROP TABLE payload_keys;
DROP TABLE payloads;
