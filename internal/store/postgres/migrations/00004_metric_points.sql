-- Metric points, pushed through the Statuspage-compatible API or pulled
-- from Prometheus, Graphite or InfluxDB.
-- +goose Up
CREATE TABLE metric_points (
    metric_id TEXT NOT NULL COLLATE "C",
    at        TIMESTAMPTZ NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (metric_id, at)
);

-- +goose Down
DROP TABLE metric_points;
