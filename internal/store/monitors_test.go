package store

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
)

func TestHistogramBuckets(t *testing.T) {
	tests := []struct {
		latency time.Duration
		bucket  int
	}{
		{0, 0},
		{999 * time.Microsecond, 0},
		{time.Millisecond, 1},
		{2*time.Millisecond - 1, 1},
		{2 * time.Millisecond, 2},
		{3 * time.Millisecond, 2},
		{4 * time.Millisecond, 3},
		{100 * time.Millisecond, 7}, // 64–128 ms
		{time.Second, 10},           // 512–1024 ms
		{30 * time.Second, 15},      // 16.4–32.8 s
		{MaxLatency, 22},
		{(1 << 22) * time.Millisecond, 23},
		{time.Duration(math.MaxInt64), 23},
	}
	for _, tt := range tests {
		if got := HistogramBucket(tt.latency); got != tt.bucket {
			t.Errorf("HistogramBucket(%v) = %d, want %d", tt.latency, got, tt.bucket)
		}
	}
	// Each bucket's bounds hold what HistogramBucket puts in it.
	for i := range HistogramBuckets {
		lo, hi := HistogramBounds(i)
		if HistogramBucket(lo) != i {
			t.Errorf("bucket %d: its lower bound %v goes to bucket %d", i, lo, HistogramBucket(lo))
		}
		if hi != 0 && HistogramBucket(hi-1) != i {
			t.Errorf("bucket %d: just under its upper bound, %v goes to bucket %d", i, hi-1, HistogramBucket(hi-1))
		}
		if (hi == 0) != (i == HistogramBuckets-1) {
			t.Errorf("bucket %d has upper bound %v", i, hi)
		}
	}
}

func TestPercentile(t *testing.T) {
	var r Rollup
	if got := r.Percentile(0.5); got != 0 {
		t.Errorf("Percentile of no results = %v, want 0", got)
	}
	// 100 results at 10, 11, … 109 ms.
	for i := range 100 {
		r.Add(Result{OK: true, Latency: time.Duration(10+i) * time.Millisecond})
	}
	r.Add(Result{OK: false, Latency: time.Hour}) // failures are not latencies
	if r.Count != 101 || r.OK != 100 || r.LatencyMax != 109*time.Millisecond {
		t.Fatalf("rollup %+v", r)
	}
	tests := []struct {
		p      float64
		lo, hi time.Duration // the estimate is within a bucket of the truth
	}{
		{0, 10 * time.Millisecond, 10 * time.Millisecond},
		{0.5, 32 * time.Millisecond, 128 * time.Millisecond},
		{0.99, 64 * time.Millisecond, 109 * time.Millisecond},
		{1, 109 * time.Millisecond, 109 * time.Millisecond},
		{2, 109 * time.Millisecond, 109 * time.Millisecond},
	}
	for _, tt := range tests {
		got := r.Percentile(tt.p)
		if got < tt.lo || got > tt.hi {
			t.Errorf("Percentile(%v) = %v, want within [%v, %v]", tt.p, got, tt.lo, tt.hi)
		}
	}
	// Median of 10–109 ms is 59.5 ms; bucket 6 (32–64 ms) holds 32–63:
	// 6 (10–15 in bucket 4), 16 (16–31), 32 (32–63) → rank 50 is the
	// 28th of 32 in 32–64 ms: 32 + 28/32*32 = 60 ms.
	if got := r.Percentile(0.5); got != 60*time.Millisecond {
		t.Errorf("Percentile(0.5) = %v, want 60ms", got)
	}
	// Percentiles never decrease.
	prev := time.Duration(0)
	for p := 0.0; p <= 1; p += 0.01 {
		got := r.Percentile(p)
		if got < prev {
			t.Errorf("Percentile(%v) = %v, below Percentile of a smaller p, %v", p, got, prev)
		}
		prev = got
	}
}

func TestRollupAddAndMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var all, a, b Rollup
	for i := range 1000 {
		res := Result{OK: rng.IntN(5) > 0, Latency: time.Duration(rng.ExpFloat64() * float64(50*time.Millisecond))}
		res.Degraded = res.OK && res.Latency > 100*time.Millisecond
		res = res.Stored()
		all.Add(res)
		if i%3 == 0 {
			a.Add(res)
		} else {
			b.Add(res)
		}
	}
	var merged Rollup
	merged.Merge(Rollup{}) // an empty rollup changes nothing
	merged.Merge(b)
	merged.Merge(a)
	if merged != all {
		t.Errorf("merged halves = %+v\nwant %+v", merged, all)
	}
	var hist uint32
	for _, n := range all.Histogram {
		hist += n
	}
	if int64(hist) != all.OK {
		t.Errorf("histogram counts %d results, OK is %d", hist, all.OK)
	}
}

func TestHistogramEncoding(t *testing.T) {
	var h [HistogramBuckets]uint32
	if got := EncodeHistogram(&h); got == nil || len(got) != 0 {
		t.Errorf("EncodeHistogram(empty) = %#v, want empty, not nil", got)
	}
	h[0], h[2] = 7, math.MaxUint32
	enc := EncodeHistogram(&h)
	if want := []byte{7, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}; !bytes.Equal(enc, want) {
		t.Errorf("EncodeHistogram = %x, want %x", enc, want)
	}
	dec, err := DecodeHistogram(enc)
	if err != nil || dec != h {
		t.Errorf("DecodeHistogram(EncodeHistogram(h)) = %v, %v; want %v", dec, err, h)
	}
	for _, bad := range [][]byte{{1, 2, 3}, make([]byte, 4*HistogramBuckets+4)} {
		if _, err := DecodeHistogram(bad); err == nil {
			t.Errorf("DecodeHistogram of %d bytes succeeded", len(bad))
		}
	}

	var g [HistogramBuckets]uint32
	g[1], g[2], g[5] = 3, 10, 1
	sum, err := AddEncodedHistograms(enc, EncodeHistogram(&g))
	if err != nil {
		t.Fatal(err)
	}
	want := [HistogramBuckets]uint32{0: 7, 1: 3, 2: math.MaxUint32, 5: 1}
	if got, _ := DecodeHistogram(sum); got != want {
		t.Errorf("AddEncodedHistograms = %v, want %v (saturated)", got, want)
	}
	if got, err := AddEncodedHistograms(nil, enc); err != nil || !bytes.Equal(got, enc) {
		t.Errorf("AddEncodedHistograms(nil, h) = %x, %v; want %x", got, err, enc)
	}
	if _, err := AddEncodedHistograms([]byte{1}, nil); err == nil {
		t.Error("AddEncodedHistograms of 1 byte succeeded")
	}
}

func TestStored(t *testing.T) {
	zone := time.FixedZone("UTC+5", 5*60*60)
	in := Result{MonitorID: "m", At: time.Date(2025, 1, 1, 5, 0, 0, 1999, zone), OK: false, Degraded: true,
		Latency: -time.Second, Reason: strings.Repeat("é", MaxReasonBytes)}
	got := in.Stored()
	if got.At != time.Date(2025, 1, 1, 0, 0, 0, 1000, time.UTC) {
		t.Errorf("At = %v", got.At)
	}
	if got.Degraded || got.Latency != 0 {
		t.Errorf("Degraded %v, Latency %v; want false, 0", got.Degraded, got.Latency)
	}
	if len(got.Reason) != MaxReasonBytes || got.Reason != strings.Repeat("é", MaxReasonBytes/2) {
		t.Errorf("Reason of %d bytes, want %d whole characters", len(got.Reason), MaxReasonBytes)
	}
	in.Reason = "x" + in.Reason // cut falls inside a character
	if got := in.Stored(); len(got.Reason) != MaxReasonBytes-1 {
		t.Errorf("Reason of %d bytes, want %d", len(got.Reason), MaxReasonBytes-1)
	}
	if got := (Result{OK: true, Reason: "fine", Latency: time.Hour}).Stored(); got.Reason != "" || got.Latency != MaxLatency {
		t.Errorf("Stored of a passing check = %+v; want no reason, MaxLatency", got)
	}
}

func TestPrepareResults(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	in := []Result{
		{MonitorID: "b", At: t0.Add(time.Second)},
		{MonitorID: "a", At: t0.Add(2 * time.Second), Reason: "first"},
		{MonitorID: "b", At: t0},
		{MonitorID: "a", At: t0.Add(2*time.Second + 100), Reason: "same microsecond"},
	}
	before := append([]Result(nil), in...)
	got, err := PrepareResults(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{MonitorID: "a", At: t0.Add(2 * time.Second), Reason: "first"},
		{MonitorID: "b", At: t0},
		{MonitorID: "b", At: t0.Add(time.Second)},
	}
	if len(got) != len(want) {
		t.Fatalf("PrepareResults = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("PrepareResults[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	for i := range in {
		if in[i] != before[i] {
			t.Errorf("PrepareResults changed its input [%d]", i)
		}
	}
	_, err = PrepareResults([]Result{{At: t0}})
	if watchfire.ErrorCode(err) != watchfire.EINVALID {
		t.Errorf("PrepareResults without monitor id: %v, want EINVALID", err)
	}
}

func TestResolutionTruncate(t *testing.T) {
	zone := time.FixedZone("UTC-3:30", -(3*60+30)*60)
	at := time.Date(2025, 3, 9, 22, 45, 12, 5, zone) // 2025-03-10 02:15:12 UTC
	if got, want := Hourly.Truncate(at), time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC); got != want {
		t.Errorf("Hourly.Truncate = %v, want %v", got, want)
	}
	if got, want := Daily.Truncate(at), time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC); got != want {
		t.Errorf("Daily.Truncate = %v, want %v", got, want)
	}
	if Resolution(60).Valid() || !Hourly.Valid() || !Daily.Valid() {
		t.Error("Valid")
	}
}

func TestRollUpAndPrepareRollups(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 23, 59, 0, 0, time.UTC)
	results := []Result{
		{MonitorID: "a", At: t0, OK: true, Latency: time.Millisecond},
		{MonitorID: "a", At: t0.Add(2 * time.Minute), OK: false},
	}
	rollups := RollUp(results)
	if len(rollups) != 4 { // two hours, two days
		t.Fatalf("RollUp = %+v, want 4 rollups", rollups)
	}
	for i, want := range []struct {
		res   Resolution
		start time.Time
	}{
		{Hourly, time.Date(2025, 1, 1, 23, 0, 0, 0, time.UTC)},
		{Hourly, time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{Daily, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Daily, time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
	} {
		if rollups[i].Resolution != want.res || rollups[i].Start != want.start || rollups[i].Count != 1 {
			t.Errorf("RollUp[%d] = %+v, want one result at %s %v", i, rollups[i], want.res, want.start)
		}
	}
	// Rollups of the same bucket merge.
	merged, err := PrepareRollups(append(rollups, rollups[0]))
	if err != nil {
		t.Fatal(err)
	}
	if len(merged) != 4 || merged[0].Count != 2 || merged[0].OK != 2 {
		t.Errorf("PrepareRollups = %+v, want the first bucket doubled", merged)
	}
	if _, err := PrepareRollups([]Rollup{{MonitorID: "a", Resolution: Daily, Start: t0}}); watchfire.ErrorCode(err) != watchfire.EINVALID {
		t.Errorf("PrepareRollups of a misaligned start: %v, want EINVALID", err)
	}
}
