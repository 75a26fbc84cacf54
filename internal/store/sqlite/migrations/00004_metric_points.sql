-- Metric points, pushed through the Statuspage-compatible API or pulled
-- from Prometheus, Graphite or InfluxDB. Compact like 00002: times are
-- INTEGER microseconds since the Unix epoch, UTC.
-- +goose Up
CREATE TABLE metric_points (
    metric_id TEXT NOT NULL,
    at        INTEGER NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (metric_id, at)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE metric_points;
