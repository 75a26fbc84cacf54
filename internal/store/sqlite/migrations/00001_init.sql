-- Watchfire's initial SQLite schema. The PostgreSQL schema in
-- internal/store/postgres/migrations has the same tables and columns.
--
-- Timestamps are TEXT in the fixed-width UTC layout
-- 2006-01-02T15:04:05.000000000Z so that comparing the strings compares the
-- instants. Booleans are INTEGER 0/1. Tables are STRICT so that a wrong type
-- fails loudly instead of being stored.

-- +goose Up
CREATE TABLE pages (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    locale      TEXT NOT NULL,
    host        TEXT NOT NULL,
    path_prefix TEXT NOT NULL,
    components  TEXT NOT NULL, -- JSON array of component ids, in display order
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

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
    showcase              INTEGER NOT NULL,
    only_show_if_degraded INTEGER NOT NULL,
    start_date            TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;

CREATE TABLE incidents (
    id            TEXT PRIMARY KEY,
    page_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    status        TEXT NOT NULL,
    impact        TEXT NOT NULL,
    postmortem    TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    monitoring_at TEXT,
    resolved_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

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
) STRICT;

CREATE TABLE incident_updates (
    id                    TEXT PRIMARY KEY,
    incident_id           TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    status                TEXT NOT NULL,
    body                  TEXT NOT NULL,
    affected_components   TEXT NOT NULL, -- JSON array, in order
    deliver_notifications INTEGER NOT NULL,
    display_at            TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;

CREATE INDEX incident_updates_incident ON incident_updates (incident_id, display_at);

CREATE TABLE maintenances (
    id              TEXT PRIMARY KEY,
    page_id         TEXT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    scheduled_for   TEXT NOT NULL,
    scheduled_until TEXT NOT NULL,
    started_at      TEXT,
    completed_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX maintenances_scheduled_for ON maintenances (scheduled_for);

CREATE TABLE maintenance_components (
    maintenance_id TEXT NOT NULL REFERENCES maintenances (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    component_id   TEXT NOT NULL,
    PRIMARY KEY (maintenance_id, position)
) STRICT;

CREATE TABLE maintenance_updates (
    id                    TEXT PRIMARY KEY,
    maintenance_id        TEXT NOT NULL REFERENCES maintenances (id) ON DELETE CASCADE,
    status                TEXT NOT NULL,
    body                  TEXT NOT NULL,
    affected_components   TEXT NOT NULL, -- JSON array, in order
    deliver_notifications INTEGER NOT NULL,
    display_at            TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;

CREATE INDEX maintenance_updates_maintenance ON maintenance_updates (maintenance_id, display_at);

-- AUTOINCREMENT so that an id is never reused, even after retention deletes
-- the newest rows: clients replay from an id.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at     TEXT NOT NULL,
    occurred_at     TEXT NOT NULL,
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
) STRICT;

CREATE INDEX events_source ON events (source, id);
CREATE INDEX events_provider ON events (provider, id);
CREATE INDEX events_page_id ON events (page_id, id);
CREATE INDEX events_received_at ON events (received_at);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
) STRICT;

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
