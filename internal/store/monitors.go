package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/watchfire-status/watchfire"
)

// MonitorStore keeps the results of Watchfire's own monitors: raw results
// for a few days, and hourly and daily rollups of them for much longer.
// Retention is the caller's: it calls PruneResults and PruneRollups.
//
// The writes do not go through Update: results arrive in batches several
// times a second and their rollups add up commutatively, so they need no
// serialization with the engine's state writes (on SQLite they still
// share the single writer connection, in their own transactions).
type MonitorStore interface {
	// AppendResults stores a batch of results in one transaction: the raw
	// results (as Result.Stored returns them) and their additions to the
	// hourly and daily rollups. A result whose monitor already has one at
	// the same instant (to the microsecond) is ignored, also in the rollups,
	// so a batch retried after an unclear failure is not counted twice. An
	// empty batch does nothing. EINVALID if a result has no MonitorID or
	// no At; then nothing is stored.
	AppendResults(ctx context.Context, results []Result) error

	// Results returns a monitor's newest raw results, newest first: limit
	// of them (see ResultLimit). ComponentID is the component the monitor
	// belonged to in its latest batch.
	Results(ctx context.Context, monitorID string, limit int) ([]Result, error)

	// Rollups returns the rollups of the monitors at resolution res whose
	// bucket overlaps [from, to): Start from res.Truncate(from) and before
	// to, ordered by MonitorID then Start. A bucket without results has no
	// rollup.
	Rollups(ctx context.Context, monitorIDs []string, res Resolution, from, to time.Time) ([]Rollup, error)

	// MergeRollups adds rollups to the stored ones in one transaction, as
	// AppendResults adds a batch's: to import history from another store
	// or to backfill. Start must be the start of a bucket of Resolution.
	// Unlike AppendResults it is not idempotent: merging twice counts twice.
	MergeRollups(ctx context.Context, rollups []Rollup) error

	// PruneResults deletes the raw results older than before and returns
	// how many. It deletes in transactions of at most PruneChunk rows, so a
	// large prune never holds the writer for long; rollups are kept.
	PruneResults(ctx context.Context, before time.Time) (int64, error)
	// PruneRollups deletes the rollups of resolution res whose bucket ends
	// at or before before, in transactions of at most PruneChunk rows.
	PruneRollups(ctx context.Context, res Resolution, before time.Time) (int64, error)
}

// PruneChunk is the most rows one pruning transaction deletes.
const PruneChunk = 10_000

// Result listing limits: Results returns DefaultResultLimit results when
// asked for none, and never more than MaxResultLimit.
const (
	DefaultResultLimit = 100
	MaxResultLimit     = 1000
)

// ResultLimit returns the number of results to list for a requested limit.
func ResultLimit(requested int) int {
	switch {
	case requested <= 0:
		return DefaultResultLimit
	case requested > MaxResultLimit:
		return MaxResultLimit
	}
	return requested
}

// Result is one check by a monitor.
type Result struct {
	MonitorID   string
	ComponentID string
	At          time.Time
	// OK is true when the check passed, also when it was slow.
	OK bool
	// Degraded is true when the check passed but over its latency target.
	// It implies OK: a failed check is never degraded.
	Degraded bool
	Latency  time.Duration
	// Reason says why the check failed or was slow. It is stored only then.
	Reason string
}

// Stored limits on a result.
const (
	// MaxReasonBytes is the longest Reason kept; a longer one is cut, on a
	// character boundary.
	MaxReasonBytes = 256
	// MaxLatency is the longest Latency kept; a longer one is stored as
	// MaxLatency. Latencies are kept to the microsecond.
	MaxLatency = math.MaxInt32 * time.Microsecond // about 35 minutes
)

// Stored returns the result as the stores keep it, and so as Results
// returns it: At in UTC to the microsecond; Latency to the microsecond,
// between 0 and MaxLatency; Degraded only when OK; Reason only when the
// check failed or was degraded, at most MaxReasonBytes long.
func (r Result) Stored() Result {
	r.At = r.At.UTC().Truncate(time.Microsecond)
	r.Latency = min(max(r.Latency, 0), MaxLatency).Truncate(time.Microsecond)
	r.Degraded = r.Degraded && r.OK
	if r.OK && !r.Degraded {
		r.Reason = ""
	}
	if len(r.Reason) > MaxReasonBytes {
		cut := MaxReasonBytes
		for cut > 0 && !utf8.RuneStart(r.Reason[cut]) {
			cut--
		}
		r.Reason = r.Reason[:cut]
	}
	return r
}

// PrepareResults checks a batch and returns it as the stores keep it:
// every result Stored, in MonitorID then At order, without later
// duplicates of a monitor's instant. The input is not modified.
// EINVALID if a result has no MonitorID or no At.
func PrepareResults(results []Result) ([]Result, error) {
	out := make([]Result, len(results))
	for i, r := range results {
		if r.MonitorID == "" {
			return nil, watchfire.Errorf(watchfire.EINVALID, "result %d of the batch has no monitor id", i)
		}
		if r.At.IsZero() {
			return nil, watchfire.Errorf(watchfire.EINVALID, "result %d of the batch (monitor %q) has no time", i, r.MonitorID)
		}
		out[i] = r.Stored()
	}
	slices.SortStableFunc(out, func(a, b Result) int {
		if c := strings.Compare(a.MonitorID, b.MonitorID); c != 0 {
			return c
		}
		return a.At.Compare(b.At)
	})
	return slices.CompactFunc(out, func(a, b Result) bool {
		return a.MonitorID == b.MonitorID && a.At.Equal(b.At)
	}), nil
}

// Resolution is the width of a rollup's bucket. Its value is the width in
// seconds, which is also what the stores keep. Buckets are aligned in UTC:
// an hourly bucket is one UTC hour, a daily bucket one UTC day (midnight
// to midnight UTC, whatever the page's time zone).
type Resolution int

const (
	Hourly Resolution = 3600
	Daily  Resolution = 86400
)

// Resolutions lists every resolution AppendResults maintains.
var Resolutions = []Resolution{Hourly, Daily}

// Valid reports whether r is Hourly or Daily.
func (r Resolution) Valid() bool { return r == Hourly || r == Daily }

// Duration is the width of a bucket.
func (r Resolution) Duration() time.Duration { return time.Duration(r) * time.Second }

// Truncate returns the start of the bucket holding t, in UTC.
func (r Resolution) Truncate(t time.Time) time.Time {
	// Whole hours and days since the zero time are whole UTC hours and days.
	return t.UTC().Truncate(r.Duration())
}

func (r Resolution) String() string {
	switch r {
	case Hourly:
		return "hourly"
	case Daily:
		return "daily"
	}
	return fmt.Sprintf("Resolution(%d)", int(r))
}

// HistogramBuckets is the number of latency histogram buckets. Bucket 0
// holds latencies under 1 ms; bucket i, from 1 to 22, holds [2^(i-1) ms,
// 2^i ms): 1–2 ms, 2–4 ms, … 2.1–4.2 s, … 35–70 min; bucket 23 holds
// 2^22 ms (about 70 min) and over, which MaxLatency never reaches.
const HistogramBuckets = 24

// HistogramBucket returns the bucket of a latency.
func HistogramBucket(latency time.Duration) int {
	if latency < time.Millisecond {
		return 0
	}
	return min(bits.Len64(uint64(latency/time.Millisecond)), HistogramBuckets-1)
}

// HistogramBounds returns the latencies bucket i holds, [lo, hi); hi is 0
// for the last bucket, which has no upper bound.
func HistogramBounds(i int) (lo, hi time.Duration) {
	if i > 0 {
		lo = time.Duration(1<<(i-1)) * time.Millisecond
	}
	if i < HistogramBuckets-1 {
		hi = time.Duration(1<<i) * time.Millisecond
	}
	return lo, hi
}

// Rollup sums up a monitor's results in one bucket of time.
type Rollup struct {
	MonitorID  string
	Resolution Resolution
	Start      time.Time // the bucket's start, UTC
	Count      int64     // results
	OK         int64     // results that passed, degraded ones included
	Degraded   int64     // results that passed over their latency target
	// The latency fields cover the OK results only: a failure's latency
	// is a timeout or an early refusal, not a response time. They are 0
	// when OK is 0. LatencySum/OK is the mean.
	LatencySum time.Duration
	LatencyMin time.Duration
	LatencyMax time.Duration
	// Histogram counts the OK results by latency bucket (see
	// HistogramBuckets); its counts add up to OK, short of saturating at
	// math.MaxUint32.
	Histogram [HistogramBuckets]uint32
}

// Add counts one result, which should be Stored, into the rollup.
func (r *Rollup) Add(res Result) {
	r.Count++
	if !res.OK {
		return
	}
	r.OK++
	if res.Degraded {
		r.Degraded++
	}
	if r.OK == 1 || res.Latency < r.LatencyMin {
		r.LatencyMin = res.Latency
	}
	r.LatencyMax = max(r.LatencyMax, res.Latency)
	r.LatencySum += res.Latency
	b := HistogramBucket(res.Latency)
	r.Histogram[b] = addSaturating(r.Histogram[b], 1)
}

// Merge adds another rollup of the same bucket into r.
func (r *Rollup) Merge(o Rollup) {
	if o.OK > 0 {
		if r.OK == 0 || o.LatencyMin < r.LatencyMin {
			r.LatencyMin = o.LatencyMin
		}
		r.LatencyMax = max(r.LatencyMax, o.LatencyMax)
	}
	r.Count += o.Count
	r.OK += o.OK
	r.Degraded += o.Degraded
	r.LatencySum += o.LatencySum
	for i, n := range o.Histogram {
		r.Histogram[i] = addSaturating(r.Histogram[i], n)
	}
}

// Percentile estimates the latency under which a fraction p (0.5 for the
// median, 0.99 for p99) of the OK results fall, from the histogram:
// linearly within the bucket holding that rank, whose bounds are narrowed
// to [LatencyMin, LatencyMax]. 0 when there are no OK results.
func (r *Rollup) Percentile(p float64) time.Duration {
	var total float64
	for _, n := range r.Histogram {
		total += float64(n)
	}
	if total == 0 {
		return 0
	}
	p = min(max(p, 0), 1)
	rank := p * total
	var below float64
	for i, n := range r.Histogram {
		if n == 0 || below+float64(n) < rank {
			below += float64(n)
			continue
		}
		lo, hi := HistogramBounds(i)
		if hi == 0 || hi > r.LatencyMax {
			hi = r.LatencyMax
		}
		lo = max(lo, r.LatencyMin)
		if hi < lo {
			hi = lo
		}
		frac := (rank - below) / float64(n)
		return lo + time.Duration(frac*float64(hi-lo))
	}
	return r.LatencyMax
}

// RollUp sums results up into their hourly and daily rollups, ordered by
// MonitorID, Resolution and Start. The results should be Stored.
func RollUp(results []Result) []Rollup {
	type key struct {
		monitor string
		res     Resolution
		start   int64
	}
	index := map[key]int{}
	var out []Rollup
	for _, res := range results {
		for _, reso := range Resolutions {
			start := reso.Truncate(res.At)
			k := key{res.MonitorID, reso, start.Unix()}
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, Rollup{MonitorID: res.MonitorID, Resolution: reso, Start: start})
			}
			out[i].Add(res)
		}
	}
	SortRollups(out)
	return out
}

// SortRollups orders rollups by MonitorID, Resolution and Start: the order
// writers upsert them in, so that concurrent writers lock rows in the same
// order.
func SortRollups(rollups []Rollup) {
	slices.SortFunc(rollups, func(a, b Rollup) int {
		if c := strings.Compare(a.MonitorID, b.MonitorID); c != 0 {
			return c
		}
		if a.Resolution != b.Resolution {
			return int(a.Resolution - b.Resolution)
		}
		return a.Start.Compare(b.Start)
	})
}

// PrepareRollups checks rollups and returns them as the stores merge
// them: Start in UTC, rollups of the same bucket merged into one, in
// SortRollups order. The input is not modified. EINVALID unless every
// rollup names a monitor, has a valid Resolution and starts a bucket of
// it.
func PrepareRollups(rollups []Rollup) ([]Rollup, error) {
	out := make([]Rollup, 0, len(rollups))
	for i, r := range rollups {
		switch {
		case r.MonitorID == "":
			return nil, watchfire.Errorf(watchfire.EINVALID, "rollup %d has no monitor id", i)
		case !r.Resolution.Valid():
			return nil, watchfire.Errorf(watchfire.EINVALID, "rollup %d (monitor %q) has no valid resolution", i, r.MonitorID)
		case !r.Resolution.Truncate(r.Start).Equal(r.Start):
			return nil, watchfire.Errorf(watchfire.EINVALID, "rollup %d (monitor %q) starts at %s, not at the start of a %s bucket",
				i, r.MonitorID, r.Start.UTC().Format(time.RFC3339Nano), r.Resolution)
		}
		r.Start = r.Start.UTC()
		out = append(out, r)
	}
	SortRollups(out)
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && merged[n-1].MonitorID == r.MonitorID &&
			merged[n-1].Resolution == r.Resolution && merged[n-1].Start.Equal(r.Start) {
			merged[n-1].Merge(r)
			continue
		}
		merged = append(merged, r)
	}
	return merged, nil
}

// CheckResolution returns EINVALID unless res is Hourly or Daily.
func CheckResolution(res Resolution) error {
	if !res.Valid() {
		return watchfire.Errorf(watchfire.EINVALID, "no rollups of resolution %d s: use hourly (3600) or daily (86400)", int(res))
	}
	return nil
}

func addSaturating(a, b uint32) uint32 {
	s, carry := bits.Add32(a, b, 0)
	if carry != 0 {
		return math.MaxUint32
	}
	return s
}

// The stored histogram: the bucket counts as little-endian uint32s, bucket
// 0 first, without the trailing empty buckets (a blob shorter than
// HistogramBuckets*4 bytes has zeros in the buckets it lacks). Both stores
// keep this encoding, so a row means the same in each.

// EncodeHistogram returns the stored form of a histogram.
func EncodeHistogram(h *[HistogramBuckets]uint32) []byte {
	n := HistogramBuckets
	for n > 0 && h[n-1] == 0 {
		n--
	}
	b := make([]byte, 4*n)
	for i := range n {
		binary.LittleEndian.PutUint32(b[4*i:], h[i])
	}
	return b
}

// DecodeHistogram reads a stored histogram.
func DecodeHistogram(b []byte) ([HistogramBuckets]uint32, error) {
	var h [HistogramBuckets]uint32
	if len(b)%4 != 0 || len(b) > 4*HistogramBuckets {
		return h, fmt.Errorf("a stored histogram has %d bytes; want a multiple of 4, at most %d", len(b), 4*HistogramBuckets)
	}
	for i := range len(b) / 4 {
		h[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return h, nil
}

// AddEncodedHistograms adds two stored histograms bucket by bucket,
// saturating, without decoding them into arrays: the SQLite store's
// histogram_add SQL function. PostgreSQL's watchfire_histogram_add does
// the same.
func AddEncodedHistograms(a, b []byte) ([]byte, error) {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)%4 != 0 || len(b)%4 != 0 || len(a) > 4*HistogramBuckets {
		return nil, fmt.Errorf("adding stored histograms of %d and %d bytes; want multiples of 4, at most %d",
			len(a), len(b), 4*HistogramBuckets)
	}
	out := slices.Clone(a)
	for i := 0; i < len(b); i += 4 {
		binary.LittleEndian.PutUint32(out[i:], addSaturating(
			binary.LittleEndian.Uint32(out[i:]), binary.LittleEndian.Uint32(b[i:])))
	}
	return out, nil
}
