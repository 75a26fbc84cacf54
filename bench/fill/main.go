// Command fill measures how large monitor results make an SQLite
// database: it fills one as months of monitoring would, through the store,
// and prints the file size, the rows, and the bytes per row.
//
//	go run ./bench/fill                          # 1,000 monitors, 90 days at 30 s: a few minutes
//	go run ./bench/fill -monitors 100 -days 30   # quicker; extrapolates to the full scale
//	go run ./bench/fill -db /tmp/fill.db -keep   # keep the file to look at
//
// Raw results are kept -raw-days (7 by default), rollups for ever, so the
// database of a server that has run -days holds -raw-days of raw results
// and -days of rollups. The fill writes exactly that:
//
//   - the last -raw-days: every check of every monitor through
//     AppendResults, in batches of -batch-ticks checks of every monitor,
//     in time order, as the monitor runner flushes them (so the B-trees
//     grow the way they do in production, all monitors at once);
//   - the days before: the hourly and daily rollups of every check, which
//     store.Rollup.Add computes from the same synthetic checks, through
//     MergeRollups (their raw results would be pruned by now anyway, and
//     writing them only to delete them would take hours).
//
// Monitor ids are 12 bytes ("monitor-0042"): each byte more costs about a
// byte per raw row. Checks take about 40 ms with a long tail; 1 in 500
// fails and about 1 in 100 is over its 250 ms target; both keep a reason.
//
// After measuring, it times what runs against the full database: the
// Rollups read of 90 days of 200 monitors, appending a 333-result batch
// (10,000 monitors at 30 s), and pruning the oldest day of raw results.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, for the statistics

	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fill:", err)
		os.Exit(1)
	}
}

type options struct {
	db                     string
	keep                   bool
	monitors, days, raw    int
	interval               time.Duration
	batchTicks             int
	fullMonitors, fullDays int
}

func run() error {
	var o options
	flag.StringVar(&o.db, "db", "", "SQLite file to create (default: a temporary one, removed at the end)")
	flag.BoolVar(&o.keep, "keep", false, "keep the database file")
	flag.IntVar(&o.monitors, "monitors", 1000, "monitors")
	flag.IntVar(&o.days, "days", 90, "days of history: rollups")
	flag.IntVar(&o.raw, "raw-days", 7, "days of raw results (the retention)")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "check interval")
	flag.IntVar(&o.batchTicks, "batch-ticks", 10, "checks of every monitor per AppendResults batch")
	flag.IntVar(&o.fullMonitors, "full-monitors", 1000, "monitors to extrapolate to")
	flag.IntVar(&o.fullDays, "full-days", 90, "days to extrapolate to")
	flag.Parse()
	if o.raw > o.days || o.monitors < 1 || o.days < 1 || o.interval <= 0 || o.batchTicks < 1 {
		return errors.New("want -monitors ≥ 1, -days ≥ -raw-days, -interval > 0, -batch-ticks ≥ 1")
	}
	if o.db == "" {
		dir, err := os.MkdirTemp("", "watchfire-fill-")
		if err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(dir)
		}
		o.db = filepath.Join(dir, "fill.db")
	} else if _, err := os.Stat(o.db); err == nil {
		return fmt.Errorf("%s exists: fill creates a new database", o.db)
	}

	ctx := context.Background()
	db, err := sqlite.Open(ctx, o.db)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}

	checksPerDay := int(24 * time.Hour / o.interval)
	end := store.Daily.Truncate(time.Now())
	first := end.AddDate(0, 0, -o.days)
	rawFrom := end.AddDate(0, 0, -o.raw)
	ids := make([]string, o.monitors)
	for i := range ids {
		ids[i] = fmt.Sprintf("monitor-%04d", i)
	}
	fmt.Printf("SQLite file %s\n", o.db)
	fmt.Printf("%d monitors, every %v (%d checks a day each), %d days: %d raw days, %d days of rollups only\n\n",
		o.monitors, o.interval, checksPerDay, o.days, o.raw, o.days-o.raw)

	// The days before the raw window: rollups only.
	started := time.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	var rollups []store.Rollup
	for day := first; day.Before(rawFrom); day = day.AddDate(0, 0, 1) {
		rollups = rollups[:0]
		for _, id := range ids {
			daily := store.Rollup{MonitorID: id, Resolution: store.Daily, Start: day}
			for h := range 24 {
				hour := store.Rollup{MonitorID: id, Resolution: store.Hourly, Start: day.Add(time.Duration(h) * time.Hour)}
				for at := hour.Start; at.Before(hour.Start.Add(time.Hour)); at = at.Add(o.interval) {
					hour.Add(check(rng, id, at))
				}
				daily.Merge(hour)
				rollups = append(rollups, hour)
			}
			rollups = append(rollups, daily)
		}
		if err := db.MergeRollups(ctx, rollups); err != nil {
			return err
		}
	}
	rollupTime := time.Since(started)
	fmt.Printf("rollups of %d days: %v\n", o.days-o.raw, rollupTime.Round(time.Millisecond))

	// The raw window: every check, through AppendResults.
	started = time.Now()
	var appended int
	batch := make([]store.Result, 0, o.batchTicks*o.monitors)
	var slowest time.Duration
	for tick := rawFrom; tick.Before(end); {
		batch = batch[:0]
		for range o.batchTicks {
			if !tick.Before(end) {
				break
			}
			for m, id := range ids {
				// Spread each monitor's checks over the interval.
				at := tick.Add(time.Duration(m) * o.interval / time.Duration(o.monitors))
				batch = append(batch, check(rng, id, at))
			}
			tick = tick.Add(o.interval)
		}
		t0 := time.Now()
		if err := db.AppendResults(ctx, batch); err != nil {
			return err
		}
		slowest = max(slowest, time.Since(t0))
		appended += len(batch)
		if !tick.Before(rawFrom.Add(24*time.Hour)) && appended%(checksPerDay*o.monitors) < len(batch) {
			fmt.Fprintf(os.Stderr, "%d of %d raw results, %v\n", appended, o.raw*checksPerDay*o.monitors,
				time.Since(started).Round(time.Second))
		}
	}
	rawTime := time.Since(started)
	fmt.Printf("raw results of %d days: %d in %v (%.0f results/s, batches of %d, slowest %v)\n\n",
		o.raw, appended, rawTime.Round(time.Millisecond), float64(appended)/rawTime.Seconds(),
		o.batchTicks*o.monitors, slowest.Round(time.Millisecond))

	if err := db.Close(); err != nil {
		return err
	}
	if err := report(ctx, o); err != nil {
		return err
	}
	return probe(ctx, o, ids, end)
}

// check is one synthetic check of an HTTP endpoint.
func check(rng *rand.Rand, monitorID string, at time.Time) store.Result {
	r := store.Result{MonitorID: monitorID, ComponentID: "component-" + monitorID[len(monitorID)-3:], At: at, OK: true,
		Latency: 15*time.Millisecond + time.Duration(rng.ExpFloat64()*float64(25*time.Millisecond))}
	switch {
	case rng.IntN(500) == 0:
		r.OK, r.Latency, r.Reason = false, 10*time.Second, "timed out after 10 s"
	case rng.IntN(100) == 0:
		r.Latency += 250 * time.Millisecond
		fallthrough
	case r.Latency > 250*time.Millisecond:
		r.Degraded, r.Reason = true, fmt.Sprintf("%d ms, over the 250 ms target", r.Latency.Milliseconds())
	}
	return r
}

// report prints the file's size, per table, and extrapolates it.
func report(ctx context.Context, o options) error {
	raw, err := sql.Open("sqlite", o.db)
	if err != nil {
		return err
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	info, err := os.Stat(o.db)
	if err != nil {
		return err
	}
	var pageSize, pages, free int64
	for pragma, v := range map[string]*int64{"page_size": &pageSize, "page_count": &pages, "freelist_count": &free} {
		if err := raw.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(v); err != nil {
			return err
		}
	}
	fmt.Printf("file: %s (%d bytes), %d pages of %d bytes, %d free\n\n",
		mb(info.Size()), info.Size(), pages, pageSize, free)

	type table struct {
		name        string
		rows, bytes int64
		full        int64 // rows at the full scale
	}
	checksPerDay := int64(24 * time.Hour / o.interval)
	fullRaw := int64(o.fullMonitors) * int64(o.raw) * checksPerDay
	fullRollups := int64(o.fullMonitors) * int64(o.fullDays) * 25
	tables := []*table{
		{name: "monitor_results", full: fullRaw},
		{name: "monitor_rollups", full: fullRollups},
		{name: "monitor_components", full: int64(o.fullMonitors)},
	}
	var other int64
	err = func() error {
		rows, err := raw.QueryContext(ctx, `SELECT name, sum(pgsize) FROM dbstat GROUP BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var size int64
			if err := rows.Scan(&name, &size); err != nil {
				return err
			}
			i := slices.IndexFunc(tables, func(t *table) bool { return t.name == name })
			if i < 0 {
				other += size
				continue
			}
			tables[i].bytes = size
		}
		return rows.Err()
	}()
	if err != nil {
		return err
	}
	fmt.Printf("%-20s %12s %10s %9s %18s %10s\n", "table", "rows", "size", "bytes/row", "rows at full scale", "size")
	var total int64
	for _, t := range tables {
		if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&t.rows); err != nil {
			return err
		}
		perRow := float64(t.bytes) / float64(max(t.rows, 1))
		full := int64(perRow * float64(t.full))
		total += full
		fmt.Printf("%-20s %12d %10s %9.1f %18d %10s\n", t.name, t.rows, mb(t.bytes), perRow, t.full, mb(full))
	}
	total += other
	fmt.Printf("%-20s %12s %10s %9s %18s %10s\n", "other tables", "", mb(other), "", "", mb(other))
	fmt.Printf("\nat %d monitors × %d days (%d raw days) at %v: about %s\n\n",
		o.fullMonitors, o.fullDays, o.raw, o.interval, mb(total))
	return nil
}

// probe times reads and writes against the filled database.
func probe(ctx context.Context, o options, ids []string, end time.Time) error {
	db, err := sqlite.Open(ctx, o.db)
	if err != nil {
		return err
	}
	defer db.Close()

	few := ids[:min(200, len(ids))]
	var times []time.Duration
	var n int
	for range 11 {
		t0 := time.Now()
		rollups, err := db.Rollups(ctx, few, store.Daily, end.AddDate(0, 0, -90), end)
		if err != nil {
			return err
		}
		times = append(times, time.Since(t0))
		n = len(rollups)
	}
	fmt.Printf("Rollups, daily, %d monitors × 90 days (%d rollups): median %v\n", len(few), n, median(times))

	rng := rand.New(rand.NewPCG(3, 4))
	times = times[:0]
	at := end
	for range 21 {
		batch := make([]store.Result, 333)
		for i := range batch {
			batch[i] = check(rng, ids[i%len(ids)], at)
			at = at.Add(time.Millisecond)
		}
		t0 := time.Now()
		if err := db.AppendResults(ctx, batch); err != nil {
			return err
		}
		times = append(times, time.Since(t0))
	}
	fmt.Printf("AppendResults, 333 results: median %v, slowest %v\n", median(times), slices.Max(times))

	t0 := time.Now()
	pruned, err := db.PruneResults(ctx, end.AddDate(0, 0, -o.raw+1))
	if err != nil {
		return err
	}
	took := time.Since(t0)
	fmt.Printf("PruneResults of the oldest day: %d results in %v (%.0f/s, transactions of %d)\n",
		pruned, took.Round(time.Millisecond), float64(pruned)/took.Seconds(), store.PruneChunk)
	return nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2].Round(10 * time.Microsecond)
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
