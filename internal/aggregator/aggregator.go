// Package aggregator polls the third-party status pages Watchfire follows.
//
// Each dependency is read by its provider on its own interval (60 s by
// default, with jitter so that pages do not all fire together), its
// history once a day. Requests are conditional and rate-limited per host
// (see provider.HTTPClient); a report whose content hash has not changed
// produces nothing but a fetch-health note, and those are written in
// batches. Changes go to the engine, which turns them into normalized
// events in the same pipeline as everything else. Errors back off
// exponentially, and a Retry-After is honoured.
package aggregator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"sync"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/catalog"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// Recorder stores what polls learn: the engine.
type Recorder interface {
	RecordDependency(ctx context.Context, rec engine.DependencyRecord) error
}

// HealthStore records fetch health in batches.
type HealthStore interface {
	SaveFetchHealth(ctx context.Context, health map[string]watchfire.FetchHealth) error
}

// Options configure an Aggregator.
type Options struct {
	Registry *provider.Registry
	Client   provider.Client
	Recorder Recorder
	Health   HealthStore
	Log      *slog.Logger
	Now      func() time.Time
	// Workers is how many pages are read at once; default 8.
	Workers int
	// HistoryInterval is how often a page's history is read; default 24 h.
	HistoryInterval time.Duration
	// MaxBackoff caps the wait after repeated failures; default 1 h.
	MaxBackoff time.Duration
	// HealthFlush is how often fetch health is written; default 30 s.
	HealthFlush time.Duration
	// PollTimeout bounds one poll, every request included; default 2 min.
	PollTimeout time.Duration
	// Jitter returns a number in [0, 1); default math/rand. Tests make it
	// constant.
	Jitter func() float64
}

// Aggregator schedules and runs the polls.
type Aggregator struct {
	opts Options

	mu    sync.Mutex
	pages map[string]*page
	dirty map[string]bool // ids whose health awaits the next flush
	wake  chan struct{}
}

// page is one dependency as the scheduler tracks it.
type page struct {
	def          watchfire.Dependency
	url          *url.URL
	prov         provider.Provider // nil until known
	hash         string            // of the last report recorded
	historyHash  string
	health       watchfire.FetchHealth
	formatFails  int // consecutive "not this format" answers from a detected provider
	historyFails int
	nextCurrent  time.Time
	nextHistory  time.Time
	running      bool
}

// New returns an aggregator with the options' defaults filled in.
func New(opts Options) *Aggregator {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.HistoryInterval <= 0 {
		opts.HistoryInterval = 24 * time.Hour
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	if opts.HealthFlush <= 0 {
		opts.HealthFlush = 30 * time.Second
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 2 * time.Minute
	}
	if opts.Jitter == nil {
		opts.Jitter = rand.Float64
	}
	return &Aggregator{opts: opts, pages: map[string]*page{}, dirty: map[string]bool{}, wake: make(chan struct{}, 1)}
}

// Set replaces the dependencies to poll. Pages already tracked keep their
// schedule unless their address or provider changed; new ones are spread
// over their first interval.
func (a *Aggregator) Set(deps []watchfire.Dependency) {
	now := a.opts.Now()
	a.mu.Lock()
	keep := map[string]bool{}
	for _, d := range deps {
		keep[d.ID] = true
		u, err := url.Parse(d.URL)
		if err != nil {
			a.opts.Log.Warn("dependency has an unusable address; not polling it", "dependency", d.ID, "url", d.URL, "err", err)
			continue
		}
		if p := a.pages[d.ID]; p != nil && p.def.URL == d.URL && p.def.Provider == d.Provider {
			p.def = d
			continue
		}
		p := &page{def: d, url: u, hash: d.ReportHash, health: d.Health}
		p.prov = a.providerFor(&d)
		// First reads are spread so that a thousand pages do not fire
		// together, over at most a minute or the interval, and no wider
		// than needed for about ten per second: one page is read at once.
		spread := min(d.Interval, time.Minute, time.Duration(len(deps))*100*time.Millisecond)
		first := time.Duration(a.opts.Jitter() * float64(spread))
		p.nextCurrent = now.Add(first)
		// History after the first read, once the provider is known.
		p.nextHistory = now.Add(first + time.Minute + time.Duration(a.opts.Jitter()*float64(10*time.Minute)))
		a.pages[d.ID] = p
	}
	for id := range a.pages {
		if !keep[id] {
			delete(a.pages, id)
		}
	}
	a.mu.Unlock()
	a.poke()
}

// providerFor returns the configured provider, or the one detected on an
// earlier run; nil when the cascade must find it.
func (a *Aggregator) providerFor(d *watchfire.Dependency) provider.Provider {
	if d.Provider != "" && d.Provider != "auto" {
		return a.opts.Registry.Get(d.Provider)
	}
	if d.Detected != "" {
		return a.opts.Registry.Get(d.Detected)
	}
	// The catalog's hint saves the cascade's requests; a wrong hint is
	// found out after a few "not this format" answers (see done).
	if p, ok := catalog.ByURL(d.URL); ok && p.Provider != "auto" {
		return a.opts.Registry.Get(p.Provider)
	}
	return nil
}

func (a *Aggregator) poke() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Health returns the live fetch health of a dependency, fresher than the
// store's (which is written in batches), and when it is next read.
func (a *Aggregator) Health(id string) (watchfire.FetchHealth, time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.pages[id]
	if p == nil {
		return watchfire.FetchHealth{}, time.Time{}, false
	}
	return p.health, p.nextCurrent, true
}

// Run polls until ctx is done, then writes the pending fetch health.
func (a *Aggregator) Run(ctx context.Context) {
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range a.opts.Workers {
		wg.Go(func() {
			for j := range jobs {
				a.poll(ctx, j)
			}
		})
	}
	flush := time.NewTicker(a.opts.HealthFlush)
	defer flush.Stop()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	defer func() {
		close(jobs)
		wg.Wait()
		a.flushHealth(context.WithoutCancel(ctx))
	}()
	for {
		due, wait := a.due()
		for _, j := range due {
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
		if len(due) > 0 {
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-a.wake:
		case <-timer.C:
		case <-flush.C:
			a.flushHealth(ctx)
		}
	}
}

// job is one poll to run.
type job struct {
	p       *page
	history bool
}

// due marks the pages whose time has come as running and returns them,
// or how long until the next one is due.
func (a *Aggregator) due() ([]job, time.Duration) {
	now := a.opts.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []job
	wait := time.Hour
	for _, p := range a.pages {
		if p.running {
			continue
		}
		next := p.nextCurrent
		history := false
		if p.prov != nil && p.nextHistory.Before(next) {
			next, history = p.nextHistory, true
		}
		if d := next.Sub(now); d > 0 {
			wait = min(wait, d)
			continue
		}
		p.running = true
		out = append(out, job{p: p, history: history})
		if len(out) >= a.opts.Workers {
			return out, 0
		}
	}
	return out, wait
}

// poll reads one page (or its history) and records what changed.
func (a *Aggregator) poll(ctx context.Context, j job) {
	p := j.p
	ctx, cancel := context.WithTimeout(ctx, a.opts.PollTimeout)
	defer cancel()
	a.mu.Lock()
	def, prov := p.def, p.prov
	a.mu.Unlock()

	var rec *engine.DependencyRecord
	var err error
	if j.history {
		rec, err = a.readHistory(ctx, p, prov)
	} else {
		rec, prov, err = a.readCurrent(ctx, p, prov)
	}
	if err != nil && errors.Is(err, context.Canceled) {
		a.mu.Lock()
		p.running = false
		a.mu.Unlock()
		return // shutting down
	}
	if rec != nil {
		now := a.opts.Now()
		a.mu.Lock()
		rec.Health = p.health
		a.mu.Unlock()
		rec.Health.LastAttemptAt, rec.Health.LastSuccessAt = &now, &now
		rec.Health.Failures, rec.Health.LastError, rec.Health.LastErrorAt = 0, "", nil
		if rerr := a.opts.Recorder.RecordDependency(ctx, *rec); rerr != nil {
			a.opts.Log.Error("recording a dependency's state failed; it will be read again", "dependency", def.ID, "err", rerr)
			rec.Hash = "" // not recorded: let the next poll try again
		}
	}
	a.done(p, j, prov, rec, err)
}

// readCurrent reads the page's present state with its provider, finding
// the provider first when needed. It returns a record when the state
// changed.
func (a *Aggregator) readCurrent(ctx context.Context, p *page, prov provider.Provider) (*engine.DependencyRecord, provider.Provider, error) {
	var rep *watchfire.UpstreamReport
	var err error
	if prov == nil {
		prov, rep, err = a.opts.Registry.Detect(ctx, a.opts.Client, p.url)
		if err == nil {
			a.opts.Log.Info("dependency provider detected", "dependency", p.def.ID, "provider", prov.Name())
		}
	} else {
		rep, err = prov.Current(ctx, a.opts.Client, p.url)
	}
	if err != nil {
		return nil, prov, err
	}
	sanitize(rep)
	hash := Hash(rep)
	a.mu.Lock()
	same := hash == p.hash
	a.mu.Unlock()
	if same {
		return nil, prov, nil
	}
	return &engine.DependencyRecord{ID: p.def.ID, Provider: prov.Name(), Report: rep, Hash: hash}, prov, nil
}

// readHistory reads the page's past incidents; a record when they changed.
func (a *Aggregator) readHistory(ctx context.Context, p *page, prov provider.Provider) (*engine.DependencyRecord, error) {
	incs, err := prov.History(ctx, a.opts.Client, p.url)
	if errors.Is(err, provider.ErrNoHistory) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sanitizeIncidents(incs)
	sum := hashJSON(incs)
	a.mu.Lock()
	same := sum == p.historyHash
	p.historyHash = sum
	a.mu.Unlock()
	if same || len(incs) == 0 {
		return nil, nil
	}
	return &engine.DependencyRecord{ID: p.def.ID, Provider: prov.Name(), History: incs}, nil
}

// done updates the page's health and schedule after a poll.
func (a *Aggregator) done(p *page, j job, prov provider.Provider, rec *engine.DependencyRecord, err error) {
	now := a.opts.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	p.running = false
	defer a.poke()
	if a.pages[p.def.ID] != p {
		return // removed or replaced meanwhile
	}
	if j.history {
		// History is a bonus: its failures are retried and logged, but the
		// page's fetch health is about its current state.
		if err != nil {
			p.historyFails++
			p.nextHistory = now.Add(a.backoff(a.opts.HistoryInterval/24, p.historyFails))
			a.opts.Log.Warn("reading a dependency's history failed", "dependency", p.def.ID, "err", err)
			return
		}
		p.historyFails = 0
		p.nextHistory = now.Add(a.jittered(a.opts.HistoryInterval))
		return
	}
	at := now
	p.health.LastAttemptAt = &at
	interval := p.def.Interval
	if err != nil {
		p.health.Failures++
		p.health.LastError, p.health.LastErrorAt = err.Error(), &at
		wait := a.backoff(interval, p.health.Failures)
		var fe *provider.FetchError
		if errors.As(err, &fe) && fe.RetryAfter > wait {
			wait = fe.RetryAfter
		}
		p.nextCurrent = now.Add(wait)
		if errors.Is(err, provider.ErrFormat) && (p.def.Provider == "" || p.def.Provider == "auto") {
			// The vendor may have moved to another platform: after a few
			// "not this format" answers, let the cascade look again.
			if p.formatFails++; p.formatFails >= 3 {
				p.prov, p.formatFails = nil, 0
			}
		}
		a.dirty[p.def.ID] = true
		a.opts.Log.Warn("reading a dependency failed", "dependency", p.def.ID, "url", p.def.URL,
			"failures", p.health.Failures, "retry_in", wait.Round(time.Second), "err", err)
		return
	}
	p.prov, p.formatFails = prov, 0
	p.health.Failures, p.health.LastError, p.health.LastErrorAt = 0, "", nil
	p.health.LastSuccessAt = &at
	if rec != nil && rec.Report != nil && rec.Hash != "" {
		p.hash = rec.Hash
	}
	a.dirty[p.def.ID] = true
	p.nextCurrent = now.Add(a.jittered(interval))
}

// jittered spreads an interval by ±10 %.
func (a *Aggregator) jittered(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.9 + 0.2*a.opts.Jitter()))
}

// backoff doubles the wait with each consecutive failure, from the
// page's interval up to MaxBackoff (or the interval, if longer).
func (a *Aggregator) backoff(interval time.Duration, failures int) time.Duration {
	wait := interval
	for i := 1; i < failures && wait < a.opts.MaxBackoff; i++ {
		wait *= 2
	}
	return a.jittered(min(wait, max(a.opts.MaxBackoff, interval)))
}

// flushHealth writes the fetch health of every page polled since the last
// flush, in one transaction.
func (a *Aggregator) flushHealth(ctx context.Context) {
	a.mu.Lock()
	if len(a.dirty) == 0 {
		a.mu.Unlock()
		return
	}
	batch := make(map[string]watchfire.FetchHealth, len(a.dirty))
	for id := range a.dirty {
		if p := a.pages[id]; p != nil {
			batch[id] = p.health
		}
	}
	a.dirty = map[string]bool{}
	a.mu.Unlock()
	if err := a.opts.Health.SaveFetchHealth(ctx, batch); err != nil && ctx.Err() == nil {
		a.opts.Log.Warn("saving dependencies' fetch health failed", "count", len(batch), "err", err)
	}
}

// Hash identifies a report's content. The vendor's own "updated at"
// stamp is left out: pages bump it without any change worth an event.
func Hash(r *watchfire.UpstreamReport) string {
	cp := *r
	cp.UpdatedAt = time.Time{}
	return hashJSON(&cp)
}

func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
