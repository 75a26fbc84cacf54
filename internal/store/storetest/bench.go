package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire/internal/store"
)

// Benchmarks of monitor results that each store runs on itself.

// BenchAppendResults measures AppendResults at the load of 10,000
// monitors checked every 30 s: one op is one batch of a second's 333
// results, each monitor in turn, as the monitor runner flushes them.
func BenchAppendResults(b *testing.B, s store.Store) {
	const monitors, interval, perBatch = 10_000, 30 * time.Second, 333
	ids := make([]string, monitors)
	for i := range ids {
		ids[i] = fmt.Sprintf("monitor-%05d", i)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	start := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Hour)
	next := 0 // results written so far
	batch := make([]store.Result, perBatch)
	b.ReportAllocs()
	for b.Loop() {
		for i := range batch {
			m := next % monitors
			at := start.Add(time.Duration(next/monitors)*interval + time.Duration(m)*interval/monitors)
			batch[i] = syntheticResult(rng, ids[m], at)
			next++
		}
		if err := s.AppendResults(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(next)/b.Elapsed().Seconds(), "results/s")
}

// BenchRollups measures reading 90 days of daily rollups of 200 monitors,
// what the bars of 100 components of two monitors each need. The store
// holds 90 days of hourly and daily rollups of 400 monitors.
func BenchRollups(b *testing.B, s store.Store) {
	const monitors, days = 400, 90
	end := time.Now().UTC()
	first := store.Daily.Truncate(end).AddDate(0, 0, -(days - 1))
	rng := rand.New(rand.NewPCG(2, 2))
	var ids []string
	for m := range monitors {
		id := fmt.Sprintf("monitor-%05d", m)
		if m%2 == 0 {
			ids = append(ids, id)
		}
		var rollups []store.Rollup
		for h := range days * 24 {
			hour := store.Rollup{MonitorID: id, Resolution: store.Hourly, Start: first.Add(time.Duration(h) * time.Hour)}
			for i := range 120 {
				hour.Add(syntheticResult(rng, id, hour.Start.Add(time.Duration(i)*30*time.Second)))
			}
			day := hour
			day.Resolution, day.Start = store.Daily, store.Daily.Truncate(hour.Start)
			rollups = append(rollups, hour, day)
		}
		if err := s.MergeRollups(b.Context(), rollups); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		rollups, err := s.Rollups(b.Context(), ids, store.Daily, first, end)
		if err != nil {
			b.Fatal(err)
		}
		if len(rollups) != len(ids)*days {
			b.Fatalf("Rollups returned %d rollups, want %d", len(rollups), len(ids)*days)
		}
	}
}

// syntheticResult is a check of an HTTP endpoint: about 40 ms, a long
// tail, 1 in 500 failing and 1 in 100 over a 250 ms target.
func syntheticResult(rng *rand.Rand, monitorID string, at time.Time) store.Result {
	r := store.Result{MonitorID: monitorID, ComponentID: "component-" + monitorID[len(monitorID)-3:], At: at, OK: true,
		Latency: 15*time.Millisecond + time.Duration(rng.ExpFloat64()*float64(25*time.Millisecond))}
	switch {
	case rng.IntN(500) == 0:
		r.OK, r.Latency, r.Reason = false, 10*time.Second, "timed out after 10 s"
	case r.Latency > 250*time.Millisecond:
		r.Degraded, r.Reason = true, "over the 250 ms target"
	}
	return r
}
