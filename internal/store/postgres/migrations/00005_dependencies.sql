-- Third-party dependencies: status pages of vendors Watchfire follows, and
-- the incidents their pages reported. The SQLite schema in
-- internal/store/sqlite/migrations has the same tables and columns.
--
-- Reports and incidents are stored whole as JSON (store/codec.go); the
-- columns beside them are what queries filter and sort on.

-- +goose Up

-- What dependencies contribute to a component, and why (see
-- watchfire.Component.UpstreamStatus).
ALTER TABLE components ADD COLUMN upstream_status TEXT NOT NULL DEFAULT '';
ALTER TABLE components ADD COLUMN upstream_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE dependencies (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    url             TEXT NOT NULL,
    provider        TEXT NOT NULL,
    detected        TEXT NOT NULL,
    category        TEXT NOT NULL,
    source          TEXT NOT NULL,
    interval_ms     BIGINT NOT NULL,
    affects         JSONB NOT NULL, -- JSON array of {component_id, upstream}
    report          JSONB,          -- the last report; NULL before the first success
    report_hash     TEXT NOT NULL,
    last_attempt_at TIMESTAMPTZ,
    last_success_at TIMESTAMPTZ,
    last_error_at   TIMESTAMPTZ,
    last_error      TEXT NOT NULL,
    failures        INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE dependency_incidents (
    dependency_id TEXT NOT NULL REFERENCES dependencies (id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    status        TEXT NOT NULL,
    impact        TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    resolved_at   TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    data          JSONB NOT NULL, -- the whole incident, with its updates
    PRIMARY KEY (dependency_id, id)
);

CREATE INDEX dependency_incidents_started_at ON dependency_incidents (dependency_id, started_at DESC);

-- +goose Down
DROP TABLE dependency_incidents;
DROP TABLE dependencies;
ALTER TABLE components DROP COLUMN upstream_reason;
ALTER TABLE components DROP COLUMN upstream_status;
