-- An incident that monitors opened names the component it was opened
-- for, so it can be followed up and resolved when the component recovers,
-- even after a restart. Empty for incidents people open.
-- +goose Up
ALTER TABLE incidents ADD COLUMN auto_component TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE incidents DROP COLUMN auto_component;
