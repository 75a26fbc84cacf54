package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// fakeMetrics is /metrics as client_golang writes it, with other metrics
// around the ones the benchmark reads.
const fakeMetrics = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 1234
# HELP watchfire_monitor_latency_seconds Response time measured by each monitor's probe.
# TYPE watchfire_monitor_latency_seconds histogram
watchfire_monitor_latency_seconds_bucket{monitor="m00000",le="0.005"} 3
watchfire_monitor_latency_seconds_bucket{monitor="m00000",le="+Inf"} 3
watchfire_monitor_latency_seconds_sum{monitor="m00000"} 0.002
watchfire_monitor_latency_seconds_count{monitor="m00000"} 3
# HELP watchfire_monitor_up 1 when the monitor's verdict is up or degraded, 0 when down.
# TYPE watchfire_monitor_up gauge
watchfire_monitor_up{component="c0-0",monitor="m00000"} 1
watchfire_monitor_up{component="c0-1",monitor="m00001"} 0
watchfire_monitor_up{component="c0-2",monitor="we \"quote\", {brace}"} 1
# HELP watchfire_monitors Monitors scheduled.
# TYPE watchfire_monitors gauge
watchfire_monitors 1000
# HELP watchfire_scheduler_checks_total Checks started.
# TYPE watchfire_scheduler_checks_total counter
watchfire_scheduler_checks_total 2000
# HELP watchfire_scheduler_lag_seconds How long after its due time each check started.
# TYPE watchfire_scheduler_lag_seconds histogram
watchfire_scheduler_lag_seconds_bucket{le="0.001"} 1500
watchfire_scheduler_lag_seconds_bucket{le="0.005"} 1900
watchfire_scheduler_lag_seconds_bucket{le="0.01"} 1980
watchfire_scheduler_lag_seconds_bucket{le="0.05"} 1990
watchfire_scheduler_lag_seconds_bucket{le="0.1"} 1995
watchfire_scheduler_lag_seconds_bucket{le="0.25"} 1997
watchfire_scheduler_lag_seconds_bucket{le="0.5"} 1998
watchfire_scheduler_lag_seconds_bucket{le="1"} 1998
watchfire_scheduler_lag_seconds_bucket{le="2.5"} 2000
watchfire_scheduler_lag_seconds_bucket{le="5"} 2000
watchfire_scheduler_lag_seconds_bucket{le="10"} 2000
watchfire_scheduler_lag_seconds_bucket{le="+Inf"} 2000
watchfire_scheduler_lag_seconds_sum 7.5
watchfire_scheduler_lag_seconds_count 2000
# HELP watchfire_scheduler_late_checks_total Checks that started more than 1 s after they were due.
# TYPE watchfire_scheduler_late_checks_total counter
watchfire_scheduler_late_checks_total 2
# HELP watchfire_scheduler_skipped_checks_total Turns skipped because the monitor's previous check was still running.
# TYPE watchfire_scheduler_skipped_checks_total counter
watchfire_scheduler_skipped_checks_total 0 1700000000000
`

// laterMetrics is the same server a window later.
const laterMetrics = `watchfire_monitors 1000
go_memstats_heap_inuse_bytes 2.097152e+07
go_memstats_stack_inuse_bytes 1.048576e+07
go_memstats_sys_bytes 4.194304e+07
watchfire_monitor_up{component="c0-0",monitor="m00000"} 1
watchfire_monitor_up{component="c0-1",monitor="m00001"} 0
watchfire_monitor_up{component="c0-2",monitor="m00002"} 1
watchfire_scheduler_checks_total 6000
watchfire_scheduler_late_checks_total 3
watchfire_scheduler_skipped_checks_total 1
watchfire_scheduler_lag_seconds_bucket{le="+Inf"} 6000
watchfire_scheduler_lag_seconds_bucket{le="0.001"} 5000
watchfire_scheduler_lag_seconds_bucket{le="0.005"} 5890
watchfire_scheduler_lag_seconds_bucket{le="0.01"} 5970
watchfire_scheduler_lag_seconds_bucket{le="0.05"} 5985
watchfire_scheduler_lag_seconds_bucket{le="0.1"} 5993
watchfire_scheduler_lag_seconds_bucket{le="0.25"} 5996
watchfire_scheduler_lag_seconds_bucket{le="0.5"} 5997
watchfire_scheduler_lag_seconds_bucket{le="1"} 5997
watchfire_scheduler_lag_seconds_bucket{le="2.5"} 5999
watchfire_scheduler_lag_seconds_bucket{le="5"} 6000
watchfire_scheduler_lag_seconds_bucket{le="10"} 6000
watchfire_scheduler_lag_seconds_sum 9.5
watchfire_scheduler_lag_seconds_count 6000
`

func TestReadSnapshot(t *testing.T) {
	s, err := readSnapshot(strings.NewReader(fakeMetrics))
	if err != nil {
		t.Fatal(err)
	}
	if s.checks != 2000 || s.late != 2 || s.skipped != 0 || s.monitors != 1000 || s.goroutines != 1234 {
		t.Errorf("counters = %+v", s)
	}
	if s.up != 3 || s.down != 1 {
		t.Errorf("up, down = %d, %d; want 3, 1", s.up, s.down)
	}
	if s.lag.count != 2000 || s.lag.sum != 7.5 || len(s.lag.buckets) != 12 {
		t.Fatalf("lag = %+v", s.lag)
	}
	if b := s.lag.buckets[len(s.lag.buckets)-1]; !math.IsInf(b.le, 1) || b.count != 2000 {
		t.Errorf("last bucket = %+v", b)
	}
	for q, want := range map[float64]float64{0.5: 0.001, 0.75: 0.001, 0.76: 0.005, 0.99: 0.01, 0.999: 0.5, 0.9995: 2.5, 1: 2.5} {
		if got, ok := s.lag.quantile(q); !ok || got != want {
			t.Errorf("quantile(%g) = %g, %v; want %g", q, got, ok, want)
		}
	}
}

func TestWindowDelta(t *testing.T) {
	s0, err := readSnapshot(strings.NewReader(fakeMetrics))
	if err != nil {
		t.Fatal(err)
	}
	s1, err := readSnapshot(strings.NewReader(laterMetrics)) // buckets out of order
	if err != nil {
		t.Fatal(err)
	}
	d := s1.lag.sub(s0.lag)
	if d.count != 4000 || d.sum != 2 {
		t.Errorf("Δcount, Δsum = %g, %g; want 4000, 2", d.count, d.sum)
	}
	if p, _ := d.quantile(0.5); p != 0.001 {
		t.Errorf("p50 = %g", p)
	}
	if p, _ := d.quantile(0.99); p != 0.005 { // 3990 of 4000 ≤ 5 ms
		t.Errorf("p99 = %g", p)
	}
	if p, _ := d.maxBucket(); p != 5 {
		t.Errorf("max bucket = %g; want 5", p)
	}
	if _, ok := (histogram{}).quantile(0.5); ok {
		t.Error("quantile of an empty histogram is ok")
	}

	r := result{
		opt:    options{monitors: 1000, interval: 30 * time.Second, warmup: 35 * time.Second},
		window: 60 * time.Second, scrape: 60 * time.Second,
		cpuSec: 3, rssMaxMB: 40, rssAvgMB: 38, m0: s0, m1: s1, targetReq: 4000,
		fds: 1010, fdLimit: "20000", threads: "9",
	}
	var out bytes.Buffer
	r.print(&out)
	for _, want := range []string{
		"| 1,000 | 30s | 1m0s | 33.3 | 66.7 | 99.975 % | ≤ 5ms | 5.0 % | 40 MB | 750 µs | **no**: checks/s |", // 4000 checks in 60 s is twice the schedule: flagged
		"→ 1,770 µs of CPU per check; half its cost per check = ≤ 885 µs",
		"4000 started, 1 late (> 1 s), 1 skipped",
		"max ≤ 5s",
		"1 of 3 monitors reporting down",
		"heap in use 20 MB, goroutine stacks 10 MB, obtained from the OS 40 MB",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestMissingMetrics(t *testing.T) {
	_, err := readSnapshot(strings.NewReader("go_goroutines 5\nwatchfire_monitors 3\n"))
	if err == nil || !strings.Contains(err.Error(), "watchfire_scheduler_checks_total") {
		t.Errorf("err = %v; want it to name the missing metrics", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{
		"watchfire_monitors\n",
		"watchfire_monitors abc\n",
		`watchfire_scheduler_lag_seconds_bucket{le="1} 3` + "\n",
		`watchfire_scheduler_lag_seconds_bucket{le=1} 3` + "\n",
	} {
		if _, err := parseMetrics(strings.NewReader(bad), nil); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseStat(t *testing.T) {
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
	stat := "4242 (watch fire) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 12 0 100 0 0\n"
	got, err := parseStat(stat)
	if err != nil || got != 1234+567 {
		t.Errorf("parseStat = %d, %v; want 1801", got, err)
	}
}
