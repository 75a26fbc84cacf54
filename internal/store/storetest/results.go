package storetest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// Monitor results: AppendResults, Results, Rollups, MergeRollups and the
// prunes.

// midnight is a UTC day boundary. Results around it are written in zone,
// where it is 05:00 and both sides fall on the same local day: the store
// must bucket by UTC.
var midnight = time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)

// around returns midnight plus minutes, in zone, with nanoseconds the
// stores drop.
func around(minutes int) time.Time {
	return midnight.Add(time.Duration(minutes)*time.Minute + 789).In(zone)
}

func mustAppend(t *testing.T, s store.Store, results []store.Result) {
	t.Helper()
	if err := s.AppendResults(t.Context(), results); err != nil {
		t.Fatalf("AppendResults(%d results): %v", len(results), err)
	}
}

func mustResults(t *testing.T, s store.Store, monitorID string, limit int) []store.Result {
	t.Helper()
	results, err := s.Results(t.Context(), monitorID, limit)
	if err != nil {
		t.Fatalf("Results(%q, %d): %v", monitorID, limit, err)
	}
	return results
}

func mustRollups(t *testing.T, s store.Store, ids []string, res store.Resolution, from, to time.Time) []store.Rollup {
	t.Helper()
	rollups, err := s.Rollups(t.Context(), ids, res, from, to)
	if err != nil {
		t.Fatalf("Rollups(%v, %s, %s, %s): %v", ids, res, from, to, err)
	}
	return rollups
}

// allRollups returns every rollup of the monitors at res within a year of
// midnight.
func allRollups(t *testing.T, s store.Store, res store.Resolution, ids ...string) []store.Rollup {
	t.Helper()
	return mustRollups(t, s, ids, res, midnight.AddDate(-1, 0, 0), midnight.AddDate(1, 0, 0))
}

// webBatch spans two UTC hours and two UTC days.
func webBatch() []store.Result {
	return []store.Result{
		{MonitorID: "web", ComponentID: "api", At: around(-40), OK: true,
			Latency: 12*time.Millisecond + 345678, Reason: "not kept: the check passed"},
		{MonitorID: "web", ComponentID: "api", At: around(-20), OK: true, Degraded: true,
			Latency: 700 * time.Millisecond, Reason: "700 ms, over the 500 ms target"},
		{MonitorID: "web", ComponentID: "api", At: around(-10), OK: false,
			Latency: 10 * time.Second, Reason: "timed out after 10 s"},
		{MonitorID: "web", ComponentID: "api", At: around(10), OK: true, Latency: 500 * time.Microsecond},
		{MonitorID: "web", ComponentID: "api", At: around(50), OK: true, Latency: 3 * time.Millisecond},
		{MonitorID: "web", ComponentID: "api", At: around(55), OK: false, Degraded: true,
			Latency: 2 * time.Millisecond, Reason: "connection refused"},
		{MonitorID: "down", ComponentID: "db", At: around(-30), Latency: time.Second, Reason: "refused"},
		{MonitorID: "down", ComponentID: "db", At: around(-29), Latency: time.Second, Reason: "refused"},
	}
}

func histogram(counts map[int]uint32) (h [store.HistogramBuckets]uint32) {
	for b, n := range counts {
		h[b] = n
	}
	return h
}

func testResultsRoundTrip(t *testing.T, s store.Store) {
	mustAppend(t, s, webBatch())

	at := func(minutes int) time.Time { return midnight.Add(time.Duration(minutes) * time.Minute) }
	want := []store.Result{
		{MonitorID: "web", ComponentID: "api", At: at(55), OK: false, Degraded: false,
			Latency: 2 * time.Millisecond, Reason: "connection refused"},
		{MonitorID: "web", ComponentID: "api", At: at(50), OK: true, Latency: 3 * time.Millisecond},
		{MonitorID: "web", ComponentID: "api", At: at(10), OK: true, Latency: 500 * time.Microsecond},
		{MonitorID: "web", ComponentID: "api", At: at(-10), OK: false,
			Latency: 10 * time.Second, Reason: "timed out after 10 s"},
		{MonitorID: "web", ComponentID: "api", At: at(-20), OK: true, Degraded: true,
			Latency: 700 * time.Millisecond, Reason: "700 ms, over the 500 ms target"},
		{MonitorID: "web", ComponentID: "api", At: at(-40), OK: true, Latency: 12*time.Millisecond + 345*time.Microsecond},
	}
	got := mustResults(t, s, "web", 0)
	assertUTC(t, "Results", got)
	assertEqual(t, "Results", got, want)
	assertEqual(t, "Results with limit 2", mustResults(t, s, "web", 2), want[:2])
	assertEqual(t, "Results of a monitor without results", mustResults(t, s, "nothing", 0), nil)

	// The component is the monitor's latest batch's.
	moved := store.Result{MonitorID: "web", ComponentID: "www", At: around(60), OK: true}
	mustAppend(t, s, []store.Result{moved})
	if got := mustResults(t, s, "web", 1); len(got) != 1 || got[0].ComponentID != "www" {
		t.Errorf("after a batch for component www, Results = %+v, want ComponentID www", got)
	}
}

func testRollupsExact(t *testing.T, s store.Store) {
	mustAppend(t, s, webBatch())

	hour0, hour1 := midnight.Add(-time.Hour), midnight
	day0, day1 := midnight.AddDate(0, 0, -1), midnight
	before := store.Rollup{Count: 3, OK: 2, Degraded: 1,
		LatencySum: 712345 * time.Microsecond, LatencyMin: 12345 * time.Microsecond, LatencyMax: 700 * time.Millisecond,
		Histogram: histogram(map[int]uint32{4: 1, 10: 1})} // 8–16 ms, 512–1024 ms
	after := store.Rollup{Count: 3, OK: 2,
		LatencySum: 3500 * time.Microsecond, LatencyMin: 500 * time.Microsecond, LatencyMax: 3 * time.Millisecond,
		Histogram: histogram(map[int]uint32{0: 1, 2: 1})} // under 1 ms, 2–4 ms
	down := store.Rollup{Count: 2}
	with := func(r store.Rollup, monitor string, res store.Resolution, start time.Time) store.Rollup {
		r.MonitorID, r.Resolution, r.Start = monitor, res, start
		return r
	}
	hourly := mustRollups(t, s, []string{"web", "down"}, store.Hourly, hour0, midnight.Add(time.Hour))
	assertUTC(t, "hourly rollups", hourly)
	assertEqual(t, "hourly rollups", hourly, []store.Rollup{
		with(down, "down", store.Hourly, hour0),
		with(before, "web", store.Hourly, hour0),
		with(after, "web", store.Hourly, hour1),
	})
	daily := mustRollups(t, s, []string{"web", "down"}, store.Daily, day0, day1.AddDate(0, 0, 1))
	assertUTC(t, "daily rollups", daily)
	assertEqual(t, "daily rollups", daily, []store.Rollup{
		with(down, "down", store.Daily, day0),
		with(before, "web", store.Daily, day0),
		with(after, "web", store.Daily, day1),
	})
	assertEqual(t, "daily rollups as RollUp computes them",
		daily, filterRollups(store.RollUp(mustPrepare(t, webBatch())), store.Daily))

	// A second batch widens min and max and adds a histogram bucket
	// beyond the stored ones.
	mustAppend(t, s, []store.Result{
		{MonitorID: "web", At: around(-5), OK: true, Latency: 1500 * time.Millisecond},
		{MonitorID: "web", At: around(-4), OK: true, Latency: 100 * time.Microsecond},
		{MonitorID: "down", At: around(-3), OK: true, Latency: 5 * time.Millisecond},
	})
	before.Count, before.OK = 5, 4
	before.LatencySum += 1500*time.Millisecond + 100*time.Microsecond
	before.LatencyMin, before.LatencyMax = 100*time.Microsecond, 1500*time.Millisecond
	before.Histogram[0], before.Histogram[11] = 1, 1
	down = store.Rollup{Count: 3, OK: 1, LatencySum: 5 * time.Millisecond, LatencyMin: 5 * time.Millisecond,
		LatencyMax: 5 * time.Millisecond, Histogram: histogram(map[int]uint32{3: 1})}
	assertEqual(t, "daily rollups after a second batch",
		mustRollups(t, s, []string{"web", "down"}, store.Daily, day0, day0.Add(time.Hour)), []store.Rollup{
			with(down, "down", store.Daily, day0),
			with(before, "web", store.Daily, day0),
		})
}

func mustPrepare(t *testing.T, results []store.Result) []store.Result {
	t.Helper()
	prepared, err := store.PrepareResults(results)
	if err != nil {
		t.Fatal(err)
	}
	return prepared
}

func filterRollups(rollups []store.Rollup, res store.Resolution) []store.Rollup {
	var out []store.Rollup
	for _, r := range rollups {
		if r.Resolution == res {
			out = append(out, r)
		}
	}
	return out
}

// randomResults returns n results of one monitor, every 30 s from 22:00
// the day before midnight, over about three hours.
func randomResults(monitorID string, n int, seed uint64) []store.Result {
	rng := rand.New(rand.NewPCG(seed, seed))
	results := make([]store.Result, n)
	for i := range results {
		r := store.Result{MonitorID: monitorID, ComponentID: "c", At: around(-120).Add(time.Duration(i) * 30 * time.Second),
			OK: rng.IntN(10) > 0, Latency: time.Duration(rng.ExpFloat64() * float64(80*time.Millisecond))}
		if !r.OK {
			r.Reason = "failed"
		} else if r.Latency > 200*time.Millisecond {
			r.Degraded, r.Reason = true, "slow"
		}
		results[i] = r
	}
	return results
}

func renamed(rollups []store.Rollup, monitorID string) []store.Rollup {
	out := make([]store.Rollup, len(rollups))
	for i, r := range rollups {
		r.MonitorID = monitorID
		out[i] = r
	}
	return out
}

func testRollupsBatchesAddUp(t *testing.T, s store.Store) {
	const n = 400
	one, two, three := randomResults("one", n, 1), randomResults("two", n, 1), randomResults("three", n, 1)
	mustAppend(t, s, one)
	// The same results, shuffled into three batches.
	rand.New(rand.NewPCG(2, 2)).Shuffle(n, func(i, j int) { two[i], two[j] = two[j], two[i] })
	mustAppend(t, s, two[:100])
	mustAppend(t, s, two[100:350])
	mustAppend(t, s, two[350:])
	// Retried batches change nothing.
	mustAppend(t, s, two[:100])
	mustAppend(t, s, append(one[n-10:], one[:10]...))
	// MergeRollups of what RollUp computes, in two halves.
	first, second := store.RollUp(mustPrepare(t, three[:n/2])), store.RollUp(mustPrepare(t, three[n/2:]))
	for _, rollups := range [][]store.Rollup{first, second} {
		if err := s.MergeRollups(t.Context(), rollups); err != nil {
			t.Fatalf("MergeRollups: %v", err)
		}
	}

	for _, res := range store.Resolutions {
		want := filterRollups(store.RollUp(mustPrepare(t, one)), res)
		if len(want) < 2 {
			t.Fatalf("%s: the results span %d buckets; the test wants several", res, len(want))
		}
		assertEqual(t, res.String()+" rollups of one batch", allRollups(t, s, res, "one"), want)
		assertEqual(t, res.String()+" rollups of three batches", renamed(allRollups(t, s, res, "two"), "one"), want)
		assertEqual(t, res.String()+" merged rollups", renamed(allRollups(t, s, res, "three"), "one"), want)
	}
	if got := mustResults(t, s, "two", store.MaxResultLimit); len(got) != n {
		t.Errorf("Results after retried batches: %d results, want %d", len(got), n)
	}
}

func testRollupsQuery(t *testing.T, s store.Store) {
	var batch []store.Result
	for _, m := range []string{"b", "a", "c"} {
		for h := range 6 {
			batch = append(batch, store.Result{MonitorID: m, At: midnight.Add(time.Duration(h)*time.Hour + time.Minute), OK: true})
		}
	}
	mustAppend(t, s, batch)
	starts := func(rollups []store.Rollup) []string {
		var out []string
		for _, r := range rollups {
			out = append(out, fmt.Sprintf("%s@%02d", r.MonitorID, r.Start.Hour()))
		}
		return out
	}
	hour := func(h float64) time.Time { return midnight.Add(time.Duration(h * float64(time.Hour))).In(zone) }
	tests := []struct {
		name     string
		ids      []string
		from, to time.Time
		want     []string
	}{
		{"buckets overlapping the range", []string{"b", "a", "missing"}, hour(2.5), hour(4), []string{"a@02", "a@03", "b@02", "b@03"}},
		{"a range ending inside a bucket", []string{"c"}, hour(0), hour(1.5), []string{"c@00", "c@01"}},
		{"an empty range", []string{"a"}, hour(2), hour(2), nil},
		{"a reversed range", []string{"a"}, hour(3), hour(2), nil},
		{"no monitors", nil, hour(0), hour(6), nil},
	}
	for _, tt := range tests {
		assertEqual(t, tt.name, starts(mustRollups(t, s, tt.ids, store.Hourly, tt.from, tt.to)), tt.want)
	}
	daily := mustRollups(t, s, []string{"a"}, store.Daily, hour(5), hour(5.5))
	if len(daily) != 1 || daily[0].Count != 6 || !daily[0].Start.Equal(midnight) {
		t.Errorf("daily rollups = %+v, want one of 6 results from midnight", daily)
	}
	_, err := s.Rollups(t.Context(), []string{"a"}, store.Resolution(60), hour(0), hour(1))
	assertCode(t, "Rollups of a resolution not kept", err, watchfire.EINVALID)
}

func testPruneResults(t *testing.T, s store.Store) {
	var batch []store.Result
	for _, m := range []string{"a", "b"} {
		for i := range 10 {
			batch = append(batch, store.Result{MonitorID: m, At: around(-300 + 60*i), OK: i%3 > 0, Reason: "down"})
		}
	}
	mustAppend(t, s, batch)
	rollupsBefore := allRollups(t, s, store.Hourly, "a", "b")

	n, err := s.PruneResults(t.Context(), around(-300+60*4))
	if err != nil {
		t.Fatalf("PruneResults: %v", err)
	}
	if n != 8 {
		t.Errorf("PruneResults deleted %d results, want 8", n)
	}
	for _, m := range []string{"a", "b"} {
		got := mustResults(t, s, m, 0)
		if len(got) != 6 || !got[len(got)-1].At.Equal(around(-300+60*4).Truncate(time.Microsecond)) {
			t.Errorf("after pruning, monitor %s has %d results, the oldest %v; want 6 from %v",
				m, len(got), got[len(got)-1].At, around(-300+60*4))
		}
	}
	assertEqual(t, "rollups after pruning results", allRollups(t, s, store.Hourly, "a", "b"), rollupsBefore)
	if n, err := s.PruneResults(t.Context(), around(-300+60*4)); err != nil || n != 0 {
		t.Errorf("PruneResults again = %d, %v; want 0, nil", n, err)
	}

	// More than one transaction's worth, most of it in one monitor.
	big := make([]store.Result, store.PruneChunk+2345)
	for i := range big {
		big[i] = store.Result{MonitorID: "big", At: midnight.AddDate(0, 0, -10).Add(time.Duration(i) * time.Second), OK: true}
	}
	mustAppend(t, s, big)
	n, err = s.PruneResults(t.Context(), midnight.AddDate(1, 0, 0))
	if err != nil {
		t.Fatalf("PruneResults: %v", err)
	}
	if want := int64(len(big) + 12); n != want {
		t.Errorf("PruneResults of everything deleted %d results, want %d", n, want)
	}
	for _, m := range []string{"a", "b", "big"} {
		if got := mustResults(t, s, m, 0); len(got) != 0 {
			t.Errorf("after pruning everything, monitor %s has %d results", m, len(got))
		}
	}
	if got := allRollups(t, s, store.Daily, "big"); len(got) != 1 || got[0].Count != int64(len(big)) {
		t.Errorf("after pruning results, the daily rollups of big are %+v; want one of %d", got, len(big))
	}
}

func testPruneRollups(t *testing.T, s store.Store) {
	var batch []store.Result
	for _, m := range []string{"a", "b"} {
		for h := range 6 {
			batch = append(batch, store.Result{MonitorID: m, At: midnight.Add(time.Duration(h)*time.Hour + time.Minute), OK: true})
		}
	}
	mustAppend(t, s, batch)
	prune := func(res store.Resolution, before time.Time, want int64) {
		t.Helper()
		n, err := s.PruneRollups(t.Context(), res, before)
		if err != nil {
			t.Fatalf("PruneRollups(%s, %s): %v", res, before, err)
		}
		if n != want {
			t.Errorf("PruneRollups(%s, %s) deleted %d, want %d", res, before, n, want)
		}
	}
	// The 00:00, 01:00 and 02:00 buckets have ended by 03:00; 03:00 has
	// not by 03:30.
	prune(store.Hourly, midnight.Add(3*time.Hour).In(zone), 6)
	prune(store.Hourly, midnight.Add(3*time.Hour+30*time.Minute), 0)
	if got := allRollups(t, s, store.Hourly, "a", "b"); len(got) != 6 || !got[0].Start.Equal(midnight.Add(3*time.Hour)) {
		t.Errorf("after pruning, %d hourly rollups from %v; want 6 from 03:00", len(got), got[0].Start)
	}
	if got := allRollups(t, s, store.Daily, "a", "b"); len(got) != 2 {
		t.Errorf("pruning hourly rollups left %d daily ones, want 2", len(got))
	}
	prune(store.Daily, midnight.Add(23*time.Hour), 0)
	prune(store.Daily, midnight.AddDate(0, 0, 1), 2)
	if got := allRollups(t, s, store.Daily, "a", "b"); len(got) != 0 {
		t.Errorf("after pruning, %d daily rollups, want none", len(got))
	}
	_, err := s.PruneRollups(t.Context(), store.Resolution(0), midnight)
	assertCode(t, "PruneRollups of no resolution", err, watchfire.EINVALID)
}

func testAppendEmptyAndInvalid(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, batch := range [][]store.Result{nil, {}} {
		if err := s.AppendResults(ctx, batch); err != nil {
			t.Errorf("AppendResults(%#v): %v", batch, err)
		}
	}
	if err := s.MergeRollups(ctx, nil); err != nil {
		t.Errorf("MergeRollups(nil): %v", err)
	}
	valid := store.Result{MonitorID: "a", At: around(0), OK: true}
	for name, bad := range map[string]store.Result{
		"no monitor id": {At: around(1)},
		"no time":       {MonitorID: "a"},
	} {
		err := s.AppendResults(ctx, []store.Result{valid, bad})
		assertCode(t, "AppendResults of a result with "+name, err, watchfire.EINVALID)
	}
	if got := mustResults(t, s, "a", 0); len(got) != 0 {
		t.Errorf("a rejected batch stored %d results", len(got))
	}
	err := s.MergeRollups(ctx, []store.Rollup{{MonitorID: "a", Resolution: store.Hourly, Start: midnight.Add(time.Minute), Count: 1}})
	assertCode(t, "MergeRollups of a rollup not on a bucket start", err, watchfire.EINVALID)
	if got := allRollups(t, s, store.Hourly, "a"); len(got) != 0 {
		t.Errorf("rejected batches stored rollups %+v", got)
	}
}

func testAppendLargeBatch(t *testing.T, s store.Store) {
	// 5,000 results in one call: 1,100 of one monitor, every second, and
	// 100 of each of 39 others.
	var batch []store.Result
	for i := range 1100 {
		batch = append(batch, store.Result{MonitorID: "big", At: around(i / 60).Add(time.Duration(i%60) * time.Second), OK: true})
	}
	for m := range 39 {
		for i := range 100 {
			batch = append(batch, store.Result{MonitorID: fmt.Sprintf("m%02d", m), At: around(i), OK: i%7 > 0,
				Latency: time.Duration(i) * time.Millisecond})
		}
	}
	if len(batch) != 5000 {
		t.Fatalf("the batch has %d results", len(batch))
	}
	mustAppend(t, s, batch)

	if got := mustResults(t, s, "big", 0); len(got) != store.DefaultResultLimit {
		t.Errorf("Results with no limit: %d, want %d", len(got), store.DefaultResultLimit)
	}
	got := mustResults(t, s, "big", 5000)
	if len(got) != store.MaxResultLimit {
		t.Errorf("Results with limit 5000: %d, want %d", len(got), store.MaxResultLimit)
	}
	for i := 1; i < len(got); i++ {
		if !got[i].At.Before(got[i-1].At) {
			t.Fatalf("Results are not newest first: %v then %v", got[i-1].At, got[i].At)
		}
	}
	ids := []string{"big"}
	for m := range 39 {
		ids = append(ids, fmt.Sprintf("m%02d", m))
	}
	var count, ok int64
	for _, r := range allRollups(t, s, store.Daily, ids...) {
		count += r.Count
		ok += r.OK
	}
	if count != 5000 || ok != 1100+39*(100-15) {
		t.Errorf("daily rollups count %d results, %d ok; want 5000, %d", count, ok, 1100+39*85)
	}
}

func testAppendConcurrently(t *testing.T, s store.Store) {
	// Writers whose batches add to the same buckets, in different orders.
	const writers, batches, perBatch = 4, 5, 30
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				var batch []store.Result
				for i := range perBatch {
					m := []string{"x", "y", "z"}[(i+w)%3]
					batch = append(batch, store.Result{MonitorID: m, OK: true, Latency: time.Millisecond,
						At: midnight.Add(time.Duration((w*batches+b)*perBatch+i) * time.Second)})
				}
				if w%2 == 1 {
					for i, j := 0, len(batch)-1; i < j; i, j = i+1, j-1 {
						batch[i], batch[j] = batch[j], batch[i]
					}
				}
				errs <- s.AppendResults(t.Context(), batch)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("AppendResults: %v", err)
		}
	}
	var total int64
	for _, r := range allRollups(t, s, store.Hourly, "x", "y", "z") {
		total += r.Count
		if r.OK != r.Count || r.Histogram[1] != uint32(r.Count) {
			t.Errorf("rollup %+v: ok and histogram do not add up to count", r)
		}
	}
	if total != writers*batches*perBatch {
		t.Errorf("hourly rollups count %d results, want %d", total, writers*batches*perBatch)
	}
}
