-- Watchfire's initial PostgreSQL schema. The SQLite schema in
-- internal/store/sqlite/migrations has the same tables and columns.
--
-- Timestamps are TIMESTAMPTZ (microsecond precision); the store writes and
-- reads them in UTC. Ordered lists of ids and affected components are JSONB.

-- +goose Up
CREATE TABLE pages (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    locale      TEXT NOT NULL,
    host        TEXT NOT NULL,
    path_prefix TEXT NOT NULL,
    components  JSONB NOT NULL, -- JSON array of component ids, in display order
    position    INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    position    INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- group_id has no foreign key: configuration may name groups and components
-- in any order, and "" means ungrouped. The engine validates it.
CREATE TABLE components (
    id                    TEXT PRIMARY KEY,
    group_id              TEXT NOT NULL,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL,
    position              INTEGER NOT NULL,
    status                TEXT NOT NULL,
    manual_status         TEXT NOT NULL,
    monitor_status        TEXT NOT NULL,
    showcase              BOOLEAN NOT NULL,
    only_show_if_degraded BOOLEAN NOT NULL,
    start_date            TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);

CREATE TABLE incidents (
    id            TEXT PRIMARY KEY,
    page_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    status        TEXT NOT NULL,
    impact        TEXT NOT NULL,
    postmortem    TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    monitoring_at TIMESTAMPTZ,
    resolved_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX incidents_created_at ON incidents (created_at);

-- The status an incident currently sets on each component. No foreign key
-- to components: deleting a component must not rewrite history, and the
-- name is kept for display.
CREATE TABLE incident_components (
    incident_id  TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    component_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    status       TEXT NOT NULL,
    PRIMARY KEY (incident_id, position)
);

CREATE TABLE incident_updates (
    id                    TEXT PRIMARY KEY,
    incident_id           TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    status                TEXT NOT NULL,
    body                  TEXT NOT NULL,
    affected_components   JSONB NOT NULL, -- JSON array, in order
    deliver_notifications BOOLEAN NOT NULL,
    display_at            TIMESTAMPTZ NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);

CREATE INDEX incident_updates_incident ON incident_updates (incident_id, display_at);

CREATE TABLE maintenances (
    id              TEXT PRIMARY KEY,
    page_id         TEXT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    scheduled_for   TIMESTAMPTZ NOT NULL,
    scheduled_until TIMESTAMPTZ NOT NULL,
    started_at      TIMESTAMPTZ,
    completed_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX maintenances_scheduled_for ON maintenances (scheduled_for);

CREATE TABLE maintenance_components (
    maintenance_id TEXT NOT NULL REFERENCES maintenances (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    component_id   TEXT NOT NULL,
    PRIMARY KEY (maintenance_id, position)
);

CREATE TABLE maintenance_updates (
    id                    TEXT PRIMARY KEY,
    maintenance_id        TEXT NOT NULL REFERENCES maintenances (id) ON DELETE CASCADE,
    status                TEXT NOT NULL,
    body                  TEXT NOT NULL,
    affected_components   JSONB NOT NULL, -- JSON array, in order
    deliver_notifications BOOLEAN NOT NULL,
    display_at            TIMESTAMPTZ NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);

CREATE INDEX maintenance_updates_maintenance ON maintenance_updates (maintenance_id, display_at);

-- A sequence never hands out an id twice: clients replay from an id.
CREATE TABLE events (
    id              BIGSERIAL PRIMARY KEY,
    received_at     TIMESTAMPTZ NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    source          TEXT NOT NULL,
    provider        TEXT NOT NULL,
    page_id         TEXT NOT NULL,
    product         TEXT NOT NULL,
    component_id    TEXT NOT NULL,
    component_name  TEXT NOT NULL,
    kind            TEXT NOT NULL,
    old_status      TEXT NOT NULL,
    new_status      TEXT NOT NULL,
    incident_id     TEXT NOT NULL,
    incident_title  TEXT NOT NULL,
    incident_status TEXT NOT NULL,
    incident_impact TEXT NOT NULL,
    message         TEXT NOT NULL,
    raw_ref         TEXT NOT NULL
);

CREATE INDEX events_source ON events (source, id);
CREATE INDEX events_provider ON events (provider, id);
CREATE INDEX events_page_id ON events (page_id, id);
CREATE INDEX events_received_at ON events (received_at);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);

-- +goose Down
DROP TABLE tokens;
DROP TABLE events;
DROP TABLE maintenance_updates;
DROP TABLE maintenance_components;
DROP TABLE maintenances;
DROP TABLE incident_updates;
DROP TABLE incident_components;
DROP TABLE incidents;
DROP TABLE components;
DROP TABLE groups;
DROP TABLE pages;
