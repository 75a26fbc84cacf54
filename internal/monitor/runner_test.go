package monitor

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/probe"
)

// scripted is a probe whose answers the test sets.
type scripted struct {
	mu    sync.Mutex
	ok    bool
	hang  bool
	delay time.Duration
	calls int
}

func (s *scripted) Check(ctx context.Context) probe.Result {
	s.mu.Lock()
	s.calls++
	ok, hang, delay := s.ok, s.hang, s.delay
	s.mu.Unlock()
	if hang {
		<-ctx.Done()
		return probe.Failf(0, "timed out")
	}
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return probe.Failf(delay, "timed out")
	}
	if !ok {
		return probe.Failf(delay, "connection refused")
	}
	return probe.Result{OK: true, Latency: delay}
}

func (s *scripted) set(ok bool) {
	s.mu.Lock()
	s.ok = ok
	s.mu.Unlock()
}

// statusLog records what the runner told the engine.
type statusLog struct {
	mu  sync.Mutex
	got map[string]watchfire.ComponentStatus
	log []engine.MonitorVerdict
}

func (l *statusLog) SetMonitorStatus(_ context.Context, v []engine.MonitorVerdict) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range v {
		l.got[x.ComponentID] = x.Status
		l.log = append(l.log, x)
	}
	return nil
}

func (l *statusLog) status(id string) watchfire.ComponentStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.got[id]
}

func newTestRunner(probes map[string]*scripted, sink *statusLog, results *[]CheckResult, mu *sync.Mutex) *Runner {
	return NewRunner(Options{
		Factories: map[string]probe.Factory{"fake": func(spec probe.Spec, _ probe.Deps) (probe.Prober, error) {
			return probes[spec.ID], nil
		}},
		Status: sink,
		Results: func(_ context.Context, batch []CheckResult) error {
			mu.Lock()
			*results = append(*results, batch...)
			mu.Unlock()
			return nil
		},
		Workers: 4,
	})
}

func def(id, component string, interval time.Duration) Def {
	return Def{ID: id, ComponentID: component, Interval: interval,
		Spec: probe.Spec{ID: id, Type: "fake", Timeout: 2 * time.Second}}
}

func TestFailingMonitorTurnsComponentRedWithinTwoIntervals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		probes := map[string]*scripted{"api": {ok: true}, "hang": {hang: true}, "db": {ok: true}}
		sink := &statusLog{got: map[string]watchfire.ComponentStatus{}}
		var results []CheckResult
		var mu sync.Mutex
		r := newTestRunner(probes, sink, &results, &mu)
		if err := r.Update([]Def{def("api", "api", 30*time.Second), def("hang", "slowpoke", 30*time.Second), def("db", "db", 30*time.Second)}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()

		time.Sleep(61 * time.Second) // two full intervals: every monitor checked twice
		synctest.Wait()
		if got := sink.status("api"); got != watchfire.StatusOperational {
			t.Fatalf("api while healthy = %q", got)
		}
		if got := sink.status("slowpoke"); got != watchfire.StatusMajorOutage {
			t.Fatalf("a hanging target = %q, want major_outage", got)
		}

		probes["api"].set(false) // the port closes
		time.Sleep(60*time.Second + 2*time.Second)
		synctest.Wait()
		if got := sink.status("api"); got != watchfire.StatusMajorOutage {
			t.Fatalf("api two intervals after its port closed = %q, want major_outage", got)
		}
		if got := sink.status("db"); got != watchfire.StatusOperational {
			t.Fatalf("db, unaffected, = %q", got)
		}

		probes["api"].set(true)
		time.Sleep(61 * time.Second)
		synctest.Wait()
		if got := sink.status("api"); got != watchfire.StatusOperational {
			t.Fatalf("api after recovery = %q", got)
		}

		st := r.Stats()
		if st.Late != 0 {
			t.Fatalf("%d checks started over 1s late (max lag %s): a hanging target delayed others", st.Late, st.MaxLag)
		}
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		if len(results) < 12 {
			t.Fatalf("stored %d results, want at least 12 (3 monitors × 4 intervals)", len(results))
		}
	})
}

func TestScheduleIsSpreadAndStable(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	seen := map[time.Duration]int{}
	for i := 0; i < 1000; i++ {
		id := "m" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
		due := firstDue(id, 30*time.Second, now)
		if due.Before(now) || !due.Before(now.Add(30*time.Second)) {
			t.Fatalf("due %s outside the next interval", due)
		}
		if again := firstDue(id, 30*time.Second, now); !again.Equal(due) {
			t.Fatal("the spread is not stable for the same id")
		}
		seen[due.Sub(now).Truncate(time.Second)]++
	}
	for sec, n := range seen {
		if n > 100 {
			t.Fatalf("%d of 1000 monitors due in second %s: not spread", n, sec)
		}
	}
	if len(seen) < 25 {
		t.Fatalf("monitors fall in only %d of 30 seconds", len(seen))
	}
}

func TestUpdateKeepsUnchangedMonitors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		probes := map[string]*scripted{"a": {ok: true}, "b": {ok: true}}
		sink := &statusLog{got: map[string]watchfire.ComponentStatus{}}
		var results []CheckResult
		var mu sync.Mutex
		r := newTestRunner(probes, sink, &results, &mu)
		a, b := def("a", "ca", 10*time.Second), def("b", "cb", 10*time.Second)
		if err := r.Update([]Def{a, b}); err != nil {
			t.Fatal(err)
		}
		r.mu.Lock()
		ea, dueA := r.entries["a"], r.entries["a"].due
		r.mu.Unlock()
		b.Interval = 20 * time.Second
		if err := r.Update([]Def{a, b}); err != nil {
			t.Fatal(err)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.entries["a"] != ea || !r.entries["a"].due.Equal(dueA) {
			t.Fatal("an unchanged monitor lost its schedule on reload")
		}
		if r.entries["b"].def.Interval != 20*time.Second {
			t.Fatal("a changed monitor kept its old definition")
		}
		if len(r.schedule) != 2 {
			t.Fatalf("schedule holds %d entries, want 2", len(r.schedule))
		}
	})
}

func TestRunCheckRetriesAndLatencyTarget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &scripted{ok: false}
		d := def("x", "c", time.Minute)
		d.Retries = 2
		res := RunCheck(context.Background(), p, d)
		if res.OK || res.Attempts != 3 || p.calls != 3 {
			t.Fatalf("ok=%v attempts=%d calls=%d, want a failure after 3 attempts", res.OK, res.Attempts, p.calls)
		}
		slow := &scripted{ok: true, delay: 300 * time.Millisecond}
		d.LatencyUnder = 100 * time.Millisecond
		res = RunCheck(context.Background(), slow, d)
		if !res.OK || !res.Slow || res.Reason == "" {
			t.Fatalf("slow check: ok=%v slow=%v reason=%q", res.OK, res.Slow, res.Reason)
		}
	})
}

func TestExternalStatusCombinesWithMonitors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		probes := map[string]*scripted{"api": {ok: true}}
		sink := &statusLog{got: map[string]watchfire.ComponentStatus{}}
		var results []CheckResult
		var mu sync.Mutex
		r := newTestRunner(probes, sink, &results, &mu)
		if err := r.Update([]Def{def("api", "api", 10*time.Second)}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		time.Sleep(21 * time.Second)
		synctest.Wait()
		if got := sink.status("api"); got != watchfire.StatusOperational {
			t.Fatalf("api = %q", got)
		}
		r.SetExternal("metric:errors", "api", watchfire.StatusDegradedPerformance, "error rate 0.9 % over 0.5 %")
		r.SetExternal("metric:queue", "billing", watchfire.StatusMajorOutage, "queue 10000 over 5000")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if got := sink.status("api"); got != watchfire.StatusDegradedPerformance {
			t.Fatalf("api with a metric over threshold = %q, want degraded_performance", got)
		}
		if got := sink.status("billing"); got != watchfire.StatusMajorOutage {
			t.Fatalf("an unmonitored component judged by a metric = %q", got)
		}
		r.SetExternal("metric:errors", "api", watchfire.StatusOperational, "")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if got := sink.status("api"); got != watchfire.StatusOperational {
			t.Fatalf("api after the metric recovered = %q", got)
		}
		cancel()
		<-done
	})
}
