-- Monitor results and their rollups. The PostgreSQL schema in
-- internal/store/postgres/migrations has the same tables and columns.
--
-- These tables hold many rows (1,000 monitors every 30 s make 2.9 million
-- results a day), so they are compact where 00001 is plain:
--   * times are INTEGER microseconds since the Unix epoch, UTC (8 bytes
--     instead of 30 of TEXT);
--   * latencies are INTEGER microseconds;
--   * the tables are WITHOUT ROWID: the primary key is the only B-tree,
--     and a row is stored once, in key order.
-- Booleans are INTEGER 0/1, which SQLite stores in the row header alone.

-- +goose Up

-- The component each monitor belonged to in its latest batch, so that raw
-- results need not repeat it; also the list of monitors that pruning walks.
CREATE TABLE monitor_components (
    monitor_id   TEXT PRIMARY KEY,
    component_id TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Raw results, kept a few days. A monitor's results are contiguous, in
-- time order: reading the newest and pruning the oldest are range scans.
CREATE TABLE monitor_results (
    monitor_id TEXT NOT NULL,
    at         INTEGER NOT NULL, -- microseconds since the Unix epoch
    ok         INTEGER NOT NULL, -- 0/1
    degraded   INTEGER NOT NULL, -- 0/1, 1 only when ok
    latency_us INTEGER NOT NULL,
    reason     TEXT,             -- NULL when ok and not degraded
    PRIMARY KEY (monitor_id, at)
) STRICT, WITHOUT ROWID;

-- Hourly and daily sums of the results, kept for years. Buckets are UTC
-- hours and days. The latency columns cover the ok results only.
CREATE TABLE monitor_rollups (
    monitor_id     TEXT NOT NULL,
    resolution     INTEGER NOT NULL, -- bucket width in seconds: 3600 or 86400
    start_at       INTEGER NOT NULL, -- microseconds since the Unix epoch
    count          INTEGER NOT NULL,
    ok             INTEGER NOT NULL,
    degraded       INTEGER NOT NULL,
    latency_sum_us INTEGER NOT NULL,
    latency_min_us INTEGER,          -- NULL when ok = 0
    latency_max_us INTEGER,          -- NULL when ok = 0
    -- Counts of ok results per latency bucket (store.HistogramBuckets):
    -- little-endian uint32s, without the trailing zero buckets. Writers
    -- add them with the watchfire_histogram_add function that the store
    -- registers on its connections.
    histogram      BLOB NOT NULL,
    PRIMARY KEY (monitor_id, resolution, start_at)
) STRICT, WITHOUT ROWID;

-- +goose Down
DROP TABLE monitor_rollups;
DROP TABLE monitor_results;
DROP TABLE monitor_components;
