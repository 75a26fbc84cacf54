package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// sample is one line of the Prometheus text exposition format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseMetrics reads the Prometheus text format and returns the samples
// whose metric name keep accepts (nil: all). Comments and blank lines are
// skipped; timestamps after the value are ignored. /metrics of 10,000
// monitors is tens of thousands of lines, so names are filtered before
// labels are parsed.
func parseMetrics(r io.Reader, keep func(name string) bool) ([]sample, error) {
	var out []sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		end := strings.IndexAny(line, "{ \t")
		if end <= 0 {
			return nil, fmt.Errorf("metrics line %d: no value: %q", n, line)
		}
		name := line[:end]
		if keep != nil && !keep(name) {
			continue
		}
		s := sample{name: name}
		rest := line[end:]
		if rest[0] == '{' {
			labels, after, err := parseLabels(rest)
			if err != nil {
				return nil, fmt.Errorf("metrics line %d: %w: %q", n, err, line)
			}
			s.labels, rest = labels, after
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 || len(fields) > 2 {
			return nil, fmt.Errorf("metrics line %d: want a value and an optional timestamp: %q", n, line)
		}
		v, err := parseValue(fields[0])
		if err != nil {
			return nil, fmt.Errorf("metrics line %d: %w", n, err)
		}
		s.value = v
		out = append(out, s)
	}
	return out, sc.Err()
}

// parseLabels parses `{a="x",b="y\"z"}` at the start of s and returns the
// labels and what follows the closing brace.
func parseLabels(s string) (map[string]string, string, error) {
	labels := map[string]string{}
	i := 1 // past '{'
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return nil, "", errors.New("unterminated labels")
		}
		if s[i] == '}' {
			return labels, s[i+1:], nil
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 || i+eq+1 >= len(s) || s[i+eq+1] != '"' {
			return nil, "", errors.New("malformed label")
		}
		key := strings.TrimSpace(s[i : i+eq])
		i += eq + 2
		var val strings.Builder
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					val.WriteByte('\n')
				default:
					val.WriteByte(s[i])
				}
				continue
			}
			val.WriteByte(s[i])
		}
		if i >= len(s) {
			return nil, "", errors.New("unterminated label value")
		}
		labels[key] = val.String()
		i++ // past the closing quote
	}
}

func parseValue(s string) (float64, error) {
	switch s {
	case "+Inf", "Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("value %q: %w", s, err)
	}
	return v, nil
}

// Metric names the benchmark reads.
const (
	mChecks   = "watchfire_scheduler_checks_total"
	mLate     = "watchfire_scheduler_late_checks_total"
	mSkipped  = "watchfire_scheduler_skipped_checks_total"
	mLag      = "watchfire_scheduler_lag_seconds"
	mMonitors = "watchfire_monitors"
	mUp       = "watchfire_monitor_up"
	mGoroutes = "go_goroutines"
	mHeap     = "go_memstats_heap_inuse_bytes"
	mStack    = "go_memstats_stack_inuse_bytes"
	mGoSys    = "go_memstats_sys_bytes"
)

// bucket is one cumulative histogram bucket: count observations ≤ le.
type bucket struct {
	le    float64
	count float64
}

// histogram is a Prometheus histogram: cumulative buckets by le, sum, count.
type histogram struct {
	buckets    []bucket // sorted by le, the last is +Inf
	sum, count float64
}

// sub returns h − old, the observations between two scrapes.
func (h histogram) sub(old histogram) histogram {
	d := histogram{sum: h.sum - old.sum, count: h.count - old.count}
	prev := map[float64]float64{}
	for _, b := range old.buckets {
		prev[b.le] = b.count
	}
	for _, b := range h.buckets {
		d.buckets = append(d.buckets, bucket{le: b.le, count: b.count - prev[b.le]})
	}
	return d
}

// quantile returns the upper bound of the bucket holding quantile q: the
// observation at q is at most that (+Inf when it is past the last finite
// bucket). ok is false without observations.
func (h histogram) quantile(q float64) (le float64, ok bool) {
	if h.count <= 0 || len(h.buckets) == 0 {
		return 0, false
	}
	rank := q * h.count
	for _, b := range h.buckets {
		if b.count >= rank {
			return b.le, true
		}
	}
	return math.Inf(1), true
}

// maxBucket returns the upper bound of the highest non-empty bucket: every
// observation is at most that.
func (h histogram) maxBucket() (le float64, ok bool) {
	return h.quantile(1)
}

// snapshot is what the benchmark reads from one scrape of /metrics.
type snapshot struct {
	checks, late, skipped float64
	monitors              float64
	lag                   histogram
	up, down              int     // watchfire_monitor_up samples, and those at 0
	goroutines            float64 // -1 when absent
	heap, stack, goSys    float64 // bytes; -1 when absent
}

// wanted is the filter for parseMetrics.
func wanted(name string) bool {
	switch name {
	case mMonitors, mUp, mGoroutes, mHeap, mStack, mGoSys:
		return true
	}
	return strings.HasPrefix(name, "watchfire_scheduler_")
}

// readSnapshot parses a scrape and checks that every metric the benchmark
// needs is there.
func readSnapshot(r io.Reader) (snapshot, error) {
	samples, err := parseMetrics(r, wanted)
	if err != nil {
		return snapshot{}, err
	}
	s := snapshot{goroutines: -1, heap: -1, stack: -1, goSys: -1}
	seen := map[string]bool{}
	for _, x := range samples {
		seen[x.name] = true
		switch x.name {
		case mChecks:
			s.checks = x.value
		case mLate:
			s.late = x.value
		case mSkipped:
			s.skipped = x.value
		case mMonitors:
			s.monitors = x.value
		case mGoroutes:
			s.goroutines = x.value
		case mHeap:
			s.heap = x.value
		case mStack:
			s.stack = x.value
		case mGoSys:
			s.goSys = x.value
		case mUp:
			s.up++
			if x.value == 0 {
				s.down++
			}
		case mLag + "_sum":
			s.lag.sum = x.value
		case mLag + "_count":
			s.lag.count = x.value
		case mLag + "_bucket":
			le, err := parseValue(x.labels["le"])
			if err != nil {
				return snapshot{}, fmt.Errorf("%s_bucket: le: %w", mLag, err)
			}
			s.lag.buckets = append(s.lag.buckets, bucket{le: le, count: x.value})
		}
	}
	var missing []string
	for _, name := range []string{mChecks, mLate, mSkipped, mMonitors, mLag + "_bucket", mLag + "_sum", mLag + "_count"} {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return snapshot{}, fmt.Errorf("/metrics lacks %s: this watchfire build does not export the scheduler metrics the benchmark reads",
			strings.Join(missing, ", "))
	}
	sort.Slice(s.lag.buckets, func(i, j int) bool { return s.lag.buckets[i].le < s.lag.buckets[j].le })
	if n := len(s.lag.buckets); !math.IsInf(s.lag.buckets[n-1].le, 1) {
		return snapshot{}, fmt.Errorf("%s has no +Inf bucket", mLag)
	}
	return s, nil
}
