// Package monitor runs Watchfire's own checks: it schedules every monitor
// at its interval, spread so that thousands do not fire at once, runs the
// probes in a bounded pool with a timeout each, turns results into
// verdicts, hands component statuses to the engine and results to the
// store in batches.
//
// Three kinds of goroutine share the work: one dispatcher that keeps the
// schedule, a pool of workers that run probes, and one evaluator that owns
// every monitor's recent results, so verdicts need no locks.
package monitor

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/probe"
)

// Def is one monitor as the runner needs it.
type Def struct {
	ID           string
	ComponentID  string
	Spec         probe.Spec
	Interval     time.Duration
	Retries      int
	LatencyUnder time.Duration // 0: no latency target
	Thresholds   Thresholds
}

// CheckResult is one finished check.
type CheckResult struct {
	MonitorID   string
	ComponentID string
	Due         time.Time // when the schedule wanted it
	At          time.Time // when it started
	OK          bool
	Slow        bool // passed, but over the latency target
	Latency     time.Duration
	Reason      string
	Attempts    int
}

// StatusSink receives component verdicts: the engine.
type StatusSink interface {
	SetMonitorStatus(ctx context.Context, verdicts []engine.MonitorVerdict) error
}

// Options configure a Runner.
type Options struct {
	Factories map[string]probe.Factory
	Deps      probe.Deps
	Status    StatusSink
	// Results stores a batch of results; nil keeps them in memory only.
	Results func(ctx context.Context, batch []CheckResult) error
	Log     *slog.Logger
	Workers int           // probes running at once; default 256
	Flush   time.Duration // how often results and verdicts are written; default 1s
}

// Runner schedules and runs monitors.
type Runner struct {
	opt     Options
	jobs    chan job
	results chan CheckResult
	wake    chan struct{}

	mu       sync.Mutex
	entries  map[string]*entry
	schedule schedule

	// Counters for /metrics and the benchmark.
	checks, late, skipped atomic.Int64
	maxLagNanos           atomic.Int64

	lastMu sync.Mutex
	last   map[string]CheckResult // latest result per monitor
	state  map[string]Verdict     // latest verdict per monitor

	metrics *Metrics // nil without NewMetrics

	// external holds statuses set by something besides a monitor (a metric
	// threshold), by key; touched lists the components to re-judge at the
	// next flush. Both are guarded by lastMu.
	external map[string]externalStatus
	touched  map[string]bool
}

type externalStatus struct {
	componentID string
	status      watchfire.ComponentStatus
	reason      string
}

type entry struct {
	def     Def
	prober  probe.Prober
	due     time.Time
	index   int // in the heap; -1 when removed
	running atomic.Bool
	win     *window // owned by the evaluator
	removed atomic.Bool
}

type job struct {
	e   *entry
	due time.Time
}

// NewRunner returns a runner; call Update with the monitors, then Run.
func NewRunner(opt Options) *Runner {
	if opt.Workers <= 0 {
		opt.Workers = 256
	}
	if opt.Flush <= 0 {
		opt.Flush = time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Runner{
		opt: opt, jobs: make(chan job), results: make(chan CheckResult, 4096), wake: make(chan struct{}, 1),
		entries: map[string]*entry{}, last: map[string]CheckResult{}, state: map[string]Verdict{},
		external: map[string]externalStatus{}, touched: map[string]bool{},
	}
}

// Update replaces the set of monitors. Monitors whose definition did not
// change keep their schedule and their recent results; new ones are spread
// over their interval; removed ones stop and release their probes.
func (r *Runner) Update(defs []Def) error {
	built := map[string]*entry{}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range defs {
		if d.Thresholds == (Thresholds{}) {
			d.Thresholds = DefaultThresholds
		}
		if old, ok := r.entries[d.ID]; ok && reflect.DeepEqual(old.def, d) {
			built[d.ID] = old
			continue
		}
		factory, ok := r.opt.Factories[d.Spec.Type]
		if !ok {
			return fmt.Errorf("monitor %s: no probe for type %q", d.ID, d.Spec.Type)
		}
		p, err := factory(d.Spec, r.opt.Deps)
		if err != nil {
			return fmt.Errorf("monitor %s: %w", d.ID, err)
		}
		built[d.ID] = &entry{def: d, prober: p, due: firstDue(d.ID, d.Interval, now), win: &window{th: d.Thresholds}}
	}
	for id, old := range r.entries {
		if built[id] != old {
			r.lastMu.Lock()
			delete(r.state, id)
			delete(r.last, id)
			r.lastMu.Unlock()
			old.removed.Store(true)
			if old.index >= 0 {
				heap.Remove(&r.schedule, old.index)
			}
			closeProber(old.prober, r.opt.Log)
		}
	}
	for id, e := range built {
		if r.entries[id] != e {
			heap.Push(&r.schedule, e)
		}
	}
	r.entries = built
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return nil
}

// firstDue spreads monitors over their interval by a hash of their id, so
// the spread is the same after a restart or a reload.
func firstDue(id string, interval time.Duration, now time.Time) time.Time {
	h := fnv.New64a()
	_, _ = io.WriteString(h, id)
	offset := time.Duration(h.Sum64() % uint64(interval))
	base := now.Truncate(interval)
	due := base.Add(offset)
	if due.Before(now) {
		due = due.Add(interval)
	}
	return due
}

func closeProber(p probe.Prober, log *slog.Logger) {
	if c, ok := p.(io.Closer); ok {
		if err := c.Close(); err != nil {
			log.Warn("closing a probe", "err", err)
		}
	}
}

// Run schedules checks until ctx is done, then waits for checks in flight
// and writes what is pending.
func (r *Runner) Run(ctx context.Context) {
	var workers sync.WaitGroup
	for i := 0; i < r.opt.Workers; i++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			r.work(ctx)
		}()
	}
	evalDone := make(chan struct{})
	go func() {
		defer close(evalDone)
		r.evaluate(ctx)
	}()
	r.dispatch(ctx)
	workers.Wait()
	close(r.results)
	<-evalDone
	r.mu.Lock()
	for _, e := range r.entries {
		closeProber(e.prober, r.opt.Log)
	}
	r.mu.Unlock()
}

// dispatch keeps the schedule: it sleeps until the next monitor is due and
// hands it to a worker. A monitor still running from its last turn is
// skipped rather than stacked: a hanging target never piles up checks.
func (r *Runner) dispatch(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		r.mu.Lock()
		var next *entry
		var due time.Time
		now := time.Now()
		if len(r.schedule) > 0 && !r.schedule[0].due.After(now) {
			next = r.schedule[0]
			due = next.due
			next.due = due.Add(next.def.Interval)
			if behind := now.Sub(next.due); behind > 0 { // asleep for whole intervals: skip them
				next.due = next.due.Add((behind/next.def.Interval + 1) * next.def.Interval)
			}
			heap.Fix(&r.schedule, 0)
		}
		wait := time.Hour
		if next == nil && len(r.schedule) > 0 {
			wait = r.schedule[0].due.Sub(now)
		}
		r.mu.Unlock()

		if next != nil {
			if !next.running.CompareAndSwap(false, true) {
				r.skipped.Add(1)
				continue
			}
			select {
			case r.jobs <- job{e: next, due: due}:
			case <-ctx.Done():
				next.running.Store(false)
				close(r.jobs)
				return
			}
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			close(r.jobs)
			return
		case <-r.wake:
		case <-timer.C:
		}
	}
}

// work runs probes.
func (r *Runner) work(ctx context.Context) {
	for j := range r.jobs {
		res := r.check(ctx, j.e, j.due)
		j.e.running.Store(false)
		r.results <- res
	}
}

func (r *Runner) check(ctx context.Context, e *entry, due time.Time) CheckResult {
	start := time.Now()
	lag := start.Sub(due)
	r.checks.Add(1)
	if lag > time.Second {
		r.late.Add(1)
	}
	for {
		old := r.maxLagNanos.Load()
		if int64(lag) <= old || r.maxLagNanos.CompareAndSwap(old, int64(lag)) {
			break
		}
	}
	res := RunCheck(ctx, e.prober, e.def)
	res.Due, res.At = due, start
	if r.metrics != nil {
		r.metrics.observe(res)
	}
	return res
}

// RunCheck runs one check of a monitor, with its retries and timeout, and
// judges it against the latency target.
func RunCheck(ctx context.Context, p probe.Prober, d Def) CheckResult {
	timeout := d.Spec.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	var out probe.Result
	attempts := 0
	for attempts <= d.Retries {
		attempts++
		cctx, cancel := context.WithTimeout(ctx, timeout)
		out = safeCheck(cctx, p)
		cancel()
		if out.OK || ctx.Err() != nil {
			break
		}
	}
	res := CheckResult{MonitorID: d.ID, ComponentID: d.ComponentID, At: time.Now(), OK: out.OK,
		Latency: out.Latency, Reason: out.Reason, Attempts: attempts}
	if out.OK && d.LatencyUnder > 0 && out.Latency >= d.LatencyUnder {
		res.Slow = true
		res.Reason = fmt.Sprintf("response time %s, target under %s", out.Latency.Round(time.Millisecond), d.LatencyUnder)
	}
	if !out.OK && res.Reason == "" {
		res.Reason = "the check failed without saying why"
	}
	return res
}

// safeCheck turns a probe's panic into a failed result: one broken probe
// must not stop the others.
func safeCheck(ctx context.Context, p probe.Prober) (res probe.Result) {
	defer func() {
		if v := recover(); v != nil {
			res = probe.Failf(0, "the probe crashed: %v", v)
		}
	}()
	return p.Check(ctx)
}

// evaluate owns the verdicts: it folds each result into its monitor's
// window and, every flush, writes the results and the components whose
// status changed.
func (r *Runner) evaluate(ctx context.Context) {
	ticker := time.NewTicker(r.opt.Flush)
	defer ticker.Stop()
	var batch []CheckResult
	changed := map[string]bool{} // component ids
	reported := map[string]watchfire.ComponentStatus{}
	flush := func(fctx context.Context) {
		if len(batch) > 0 && r.opt.Results != nil {
			if err := r.opt.Results(fctx, batch); err != nil {
				r.opt.Log.Error("monitor: storing check results failed", "results", len(batch), "err", err)
			}
		}
		batch = batch[:0]
		if len(changed) == 0 || r.opt.Status == nil {
			return
		}
		var verdicts []engine.MonitorVerdict
		for id := range changed {
			status, reason := r.componentVerdict(id)
			if prev, ok := reported[id]; ok && prev == status {
				continue
			}
			verdicts = append(verdicts, engine.MonitorVerdict{ComponentID: id, Status: status, Reason: reason})
		}
		sort.Slice(verdicts, func(i, j int) bool { return verdicts[i].ComponentID < verdicts[j].ComponentID })
		if err := r.opt.Status.SetMonitorStatus(fctx, verdicts); err != nil {
			r.opt.Log.Error("monitor: recording component statuses failed; will retry", "err", err)
			return // keep changed for the next flush
		}
		for _, v := range verdicts {
			reported[v.ComponentID] = v.Status
		}
		clear(changed)
	}
	for {
		select {
		case res, ok := <-r.results:
			if !ok {
				flush(context.WithoutCancel(ctx))
				return
			}
			r.fold(res, changed)
			batch = append(batch, res)
			if len(batch) >= 1000 {
				flush(ctx)
			}
		case <-ticker.C:
			r.lastMu.Lock()
			for id := range r.touched {
				changed[id] = true
			}
			clear(r.touched)
			r.lastMu.Unlock()
			flush(ctx)
		}
	}
}

// fold adds a result to its monitor's window.
func (r *Runner) fold(res CheckResult, changed map[string]bool) {
	r.mu.Lock()
	e := r.entries[res.MonitorID]
	r.mu.Unlock()
	if e == nil || e.removed.Load() {
		return
	}
	moved := e.win.add(outcome{at: res.At, ok: res.OK, slow: res.Slow, reason: res.Reason})
	r.lastMu.Lock()
	r.last[res.MonitorID] = res
	r.state[res.MonitorID] = e.win.verdict
	r.lastMu.Unlock()
	if moved {
		changed[res.ComponentID] = true
	}
}

// componentVerdict combines the verdicts of a component's monitors.
func (r *Runner) componentVerdict(componentID string) (watchfire.ComponentStatus, string) {
	r.mu.Lock()
	var ids []string
	for id, e := range r.entries {
		if e.def.ComponentID == componentID {
			ids = append(ids, id)
		}
	}
	r.mu.Unlock()
	sort.Strings(ids)
	verdicts := make([]Verdict, len(ids))
	reasons := make([]string, len(ids))
	r.lastMu.Lock()
	for i, id := range ids {
		verdicts[i] = r.state[id]
		if verdicts[i] == VerdictDown || verdicts[i] == VerdictDegraded {
			reasons[i] = id + ": " + r.last[id].Reason
		}
	}
	status, reason := componentStatus(verdicts, reasons)
	for _, ext := range r.external {
		if ext.componentID == componentID && ext.status.Severity() > status.Severity() {
			status, reason = ext.status, ext.reason
		}
	}
	r.lastMu.Unlock()
	if status == "" && r.hasExternal(componentID) {
		status = watchfire.StatusOperational
	}
	return status, reason
}

// hasExternal reports whether anything besides monitors judges the
// component.
func (r *Runner) hasExternal(componentID string) bool {
	r.lastMu.Lock()
	defer r.lastMu.Unlock()
	for _, ext := range r.external {
		if ext.componentID == componentID {
			return true
		}
	}
	return false
}

// SetExternal records a status that something besides a monitor holds for
// a component, such as a metric over its threshold (key names it, e.g.
// "metric:error-rate"). It combines with the monitors' verdict, worst
// wins; operational means "judged, and fine".
func (r *Runner) SetExternal(key, componentID string, status watchfire.ComponentStatus, reason string) {
	r.lastMu.Lock()
	defer r.lastMu.Unlock()
	old, had := r.external[key]
	r.external[key] = externalStatus{componentID: componentID, status: status, reason: reason}
	if !had || old.status != status || old.componentID != componentID {
		r.touched[componentID] = true
		if had && old.componentID != componentID {
			r.touched[old.componentID] = true
		}
	}
}

// Latest returns the newest result of a monitor and its verdict.
func (r *Runner) Latest(monitorID string) (CheckResult, Verdict, bool) {
	r.lastMu.Lock()
	defer r.lastMu.Unlock()
	res, ok := r.last[monitorID]
	return res, r.state[monitorID], ok
}

// MonitorsOf returns the ids of a component's monitors, sorted.
func (r *Runner) MonitorsOf(componentID string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id, e := range r.entries {
		if e.def.ComponentID == componentID {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// HasMonitor reports whether a monitor with the id is scheduled.
func (r *Runner) HasMonitor(id string) bool {
	_, ok := r.Monitor(id)
	return ok
}

// Monitor returns a monitor's definition.
func (r *Runner) Monitor(id string) (Def, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[id]
	if !ok {
		return Def{}, false
	}
	return e.def, true
}

// Stats are the scheduler's counters.
type Stats struct {
	Checks, Late, Skipped int64
	MaxLag                time.Duration
	Monitors              int
}

// Stats returns the counters since start.
func (r *Runner) Stats() Stats {
	r.mu.Lock()
	n := len(r.entries)
	r.mu.Unlock()
	return Stats{Checks: r.checks.Load(), Late: r.late.Load(), Skipped: r.skipped.Load(),
		MaxLag: time.Duration(r.maxLagNanos.Load()), Monitors: n}
}

// schedule is a min-heap of entries by due time.
type schedule []*entry

func (s schedule) Len() int           { return len(s) }
func (s schedule) Less(i, j int) bool { return s[i].due.Before(s[j].due) }
func (s schedule) Swap(i, j int) {
	s[i], s[j] = s[j], s[i]
	s[i].index, s[j].index = i, j
}
func (s *schedule) Push(x any) {
	e := x.(*entry)
	e.index = len(*s)
	*s = append(*s, e)
}
func (s *schedule) Pop() any {
	old := *s
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*s = old[:len(old)-1]
	return e
}
