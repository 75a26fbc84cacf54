-- Monitor results and their rollups. The SQLite schema in
-- internal/store/sqlite/migrations has the same tables and columns.
--
-- Monitor ids are COLLATE "C": the keys sort by bytes, as on SQLite and in
-- Go, and compare faster. Latencies are INTEGER microseconds.

-- +goose Up

-- The component each monitor belonged to in its latest batch, so that raw
-- results need not repeat it; also the list of monitors that pruning walks.
CREATE TABLE monitor_components (
    monitor_id   TEXT COLLATE "C" PRIMARY KEY,
    component_id TEXT NOT NULL
);

-- Raw results, kept a few days. Fixed-width columns first, so that no
-- alignment padding sits between them.
CREATE TABLE monitor_results (
    at         TIMESTAMPTZ NOT NULL,
    latency_us INTEGER NOT NULL,
    ok         BOOLEAN NOT NULL,
    degraded   BOOLEAN NOT NULL, -- true only when ok
    monitor_id TEXT COLLATE "C" NOT NULL,
    reason     TEXT,             -- NULL when ok and not degraded
    PRIMARY KEY (monitor_id, at)
);

-- Hourly and daily sums of the results, kept for years. Buckets are UTC
-- hours and days. The latency columns cover the ok results only.
CREATE TABLE monitor_rollups (
    monitor_id     TEXT COLLATE "C" NOT NULL,
    resolution     INTEGER NOT NULL, -- bucket width in seconds: 3600 or 86400
    start_at       TIMESTAMPTZ NOT NULL,
    count          BIGINT NOT NULL,
    ok             BIGINT NOT NULL,
    degraded       BIGINT NOT NULL,
    latency_sum_us BIGINT NOT NULL,
    latency_min_us BIGINT,           -- NULL when ok = 0
    latency_max_us BIGINT,           -- NULL when ok = 0
    -- Counts of ok results per latency bucket (store.HistogramBuckets):
    -- little-endian uint32s, without the trailing zero buckets. Writers
    -- add them with watchfire_histogram_add.
    histogram      BYTEA NOT NULL,
    PRIMARY KEY (monitor_id, resolution, start_at)
);

-- watchfire_histogram_add adds two stored histograms bucket by bucket,
-- saturating at 2^32-1; the result is as acc as the longer one. It is
-- store.AddEncodedHistograms in SQL.
-- +goose StatementBegin
CREATE FUNCTION watchfire_histogram_add(a BYTEA, b BYTEA) RETURNS BYTEA
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    acc   BYTEA := a;
    other BYTEA := b;
    total BIGINT;
BEGIN
    IF length(a) < length(b) THEN
        acc := b;
        other := a;
    END IF;
    IF length(acc) % 4 <> 0 OR length(other) % 4 <> 0 THEN
        RAISE EXCEPTION 'watchfire_histogram_add: histograms of % and % bytes are not uint32 arrays',
            length(a), length(b);
    END IF;
    FOR i IN 0 .. length(other) - 4 BY 4 LOOP
        total := least(4294967295,
            get_byte(acc, i)::BIGINT + (get_byte(acc, i + 1)::BIGINT << 8)
            + (get_byte(acc, i + 2)::BIGINT << 16) + (get_byte(acc, i + 3)::BIGINT << 24)
            + get_byte(other, i)::BIGINT + (get_byte(other, i + 1)::BIGINT << 8)
            + (get_byte(other, i + 2)::BIGINT << 16) + (get_byte(other, i + 3)::BIGINT << 24));
        acc := set_byte(acc, i, (total & 255)::INTEGER);
        acc := set_byte(acc, i + 1, ((total >> 8) & 255)::INTEGER);
        acc := set_byte(acc, i + 2, ((total >> 16) & 255)::INTEGER);
        acc := set_byte(acc, i + 3, ((total >> 24) & 255)::INTEGER);
    END LOOP;
    RETURN acc;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION watchfire_histogram_add(BYTEA, BYTEA);
DROP TABLE monitor_rollups;
DROP TABLE monitor_results;
DROP TABLE monitor_components;
