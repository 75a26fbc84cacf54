// Package gateway is the event gateway's ingest path: raw payloads in
// (webhook deliveries over HTTP, poller reports in-process), durably
// stored before they are acknowledged, then normalized by per-provider
// adapters and applied by the engine, exactly once, in the order they
// arrived.
//
// Three stages, each with one goroutine:
//
//   - Accept hands a payload to the committer and waits. The committer
//     takes every payload waiting at that moment and stores them in one
//     transaction (group commit): under load, hundreds of deliveries share
//     one commit and one fsync. Accept returns only after that commit.
//   - Committed payloads go on a bounded queue to the processor. When the
//     queue is full the committer does not wait: the payload is already on
//     disk, and the processor catches up from the store (the disk is the
//     buffer). It does the same at start, for what a crash left pending.
//   - The processor parses each payload with its provider's adapter and
//     applies a batch in one engine transaction, which also marks each
//     payload done: a crash in between leaves it pending, to be applied
//     again from scratch, never twice.
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/store"
)

// Recorder applies normalized payloads: the engine.
type Recorder interface {
	RecordPayloads(ctx context.Context, items []engine.PayloadItem) error
}

// Defaults for Options.
const (
	DefaultRetention = 7 * 24 * time.Hour
	DefaultQueue     = 4096
	maxCommitBatch   = 1024 // payloads per group commit
	maxApplyBatch    = 256  // payloads per engine transaction
	maxAttempts      = 5    // processing attempts before a payload is marked failed
	// maxYield bounds how long the processor lets waiting deliveries go
	// first (see yieldToIngest).
	maxYield = 50 * time.Millisecond
	// minApplyBatch is the batch the processor applies when deliveries
	// keep it waiting: short, so the writer is soon free again.
	minApplyBatch = 128
	lull          = 5 * time.Millisecond
	pruneEvery    = time.Hour
)

// Options configure a Gateway.
type Options struct {
	Store    store.PayloadStore
	Recorder Recorder
	Adapters []provider.WebhookAdapter
	Log      *slog.Logger
	Now      func() time.Time
	// Queue bounds the payloads committed and waiting for the processor;
	// default DefaultQueue.
	Queue int
	// RetryEvery is how often payloads whose processing failed are tried
	// again; default 30 s.
	RetryEvery time.Duration
}

// Gateway is the ingest path. Its zero value is not usable; see New.
type Gateway struct {
	opts     Options
	adapters map[string]provider.WebhookAdapter
	names    []string
	sources  atomic.Pointer[Sources]

	in     chan *request
	queue  chan *watchfire.Payload
	behind atomic.Bool // the queue overflowed: the processor must read the store
	// waiting counts the Accept calls not yet answered: senders waiting
	// for their acknowledgement.
	waiting atomic.Int64
	// lastCommit is when the committer last stored a batch (Unix ns).
	lastCommit atomic.Int64
	wake       chan struct{}
	stopped    chan struct{} // closed when the committer has stopped

	mu      sync.Mutex
	running bool

	committed, commits, applied atomic.Int64
}

type request struct {
	p    *watchfire.Payload
	done chan error
}

// New returns a gateway; Run starts it.
func New(opts Options) *Gateway {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Queue <= 0 {
		opts.Queue = DefaultQueue
	}
	if opts.RetryEvery <= 0 {
		opts.RetryEvery = 30 * time.Second
	}
	g := &Gateway{
		opts:     opts,
		adapters: map[string]provider.WebhookAdapter{},
		in:       make(chan *request, maxCommitBatch),
		queue:    make(chan *watchfire.Payload, opts.Queue),
		wake:     make(chan struct{}, 1),
		stopped:  make(chan struct{}),
	}
	for _, a := range opts.Adapters {
		g.adapters[a.Name()] = a
		g.names = append(g.names, a.Name())
	}
	slices.Sort(g.names)
	g.sources.Store(&Sources{})
	return g
}

// Providers lists the providers /webhooks/{provider} accepts, sorted.
func (g *Gateway) Providers() []string { return g.names }

// Known reports whether provider has a webhook adapter.
func (g *Gateway) Known(provider string) bool { return g.adapters[provider] != nil }

// SetSources replaces the configured webhook sources (at start and on
// reload).
func (g *Gateway) SetSources(s *Sources) {
	if s == nil {
		s = &Sources{}
	}
	g.sources.Store(s)
}

// ErrStopped is Accept's answer once the gateway has stopped.
var ErrStopped = watchfire.Errorf(watchfire.EUNAVAILABLE, "Watchfire is shutting down and accepts no more payloads; send it again in a moment")

// Accept stores a payload durably and sets its ID. It returns only after
// the payload's transaction has committed; an error means it was not
// stored, and the sender should deliver it again.
func (g *Gateway) Accept(ctx context.Context, p *watchfire.Payload) error {
	if p.ReceivedAt.IsZero() {
		p.ReceivedAt = g.opts.Now().UTC()
	}
	req := &request{p: p, done: make(chan error, 1)}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case g.in <- req:
	case <-g.stopped:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the payload will be committed, or fail, whatever the
	// sender does: wait for the verdict so that nothing is acknowledged
	// early, nor reported lost when it was stored.
	return <-req.done
}

// RecordDependency hands a poller's report to the ingest path, in-process:
// it is stored like a webhook delivery and applied by the same processor,
// so pushed and pulled changes go the same way. It is the aggregator's
// Recorder.
func (g *Gateway) RecordDependency(ctx context.Context, rec engine.DependencyRecord) error {
	body, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encoding the report of %s: %w", rec.ID, err)
	}
	return g.Accept(ctx, &watchfire.Payload{Source: watchfire.SourcePoller, Provider: rec.Provider,
		SourceID: rec.ID, ContentType: "application/json", Body: body})
}

// Run commits and processes payloads until ctx is done. Payloads already
// handed to Accept are committed before it returns. retention says how
// long applied payloads are kept (read before each hourly pruning, so a
// reloaded config takes effect); nil or <= 0 means DefaultRetention.
func (g *Gateway) Run(ctx context.Context, retention func() time.Duration) {
	g.mu.Lock()
	if g.running {
		g.mu.Unlock()
		panic("gateway: Run called twice")
	}
	g.running = true
	g.mu.Unlock()
	g.behind.Store(true) // what a previous run left pending
	var wg sync.WaitGroup
	wg.Go(func() { g.commit(ctx) })
	wg.Go(func() { g.process(ctx) })
	wg.Go(func() { g.prune(ctx, retention) })
	wg.Wait()
}

// commit is the group committer.
func (g *Gateway) commit(ctx context.Context) {
	defer close(g.stopped)
	batch := make([]*request, 0, maxCommitBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-g.in:
			batch = append(batch, r)
		case <-ctx.Done():
			// Whoever got into the channel before the stop is committed.
			for {
				select {
				case r := <-g.in:
					batch = append(batch, r)
					continue
				default:
				}
				break
			}
			if len(batch) > 0 {
				g.commitBatch(context.WithoutCancel(ctx), batch)
			}
			return
		}
	more:
		for len(batch) < maxCommitBatch {
			select {
			case r := <-g.in:
				batch = append(batch, r)
			default:
				break more
			}
		}
		g.commitBatch(context.WithoutCancel(ctx), batch)
	}
}

func (g *Gateway) commitBatch(ctx context.Context, batch []*request) {
	ps := make([]*watchfire.Payload, len(batch))
	for i, r := range batch {
		ps[i] = r.p
	}
	err := g.opts.Store.AppendPayloads(ctx, ps)
	g.lastCommit.Store(time.Now().UnixNano())
	if err != nil {
		g.opts.Log.Error("storing payloads failed; their senders are told to retry", "payloads", len(ps), "err", err)
	} else {
		g.commits.Add(1)
		g.committed.Add(int64(len(ps)))
	}
	for _, r := range batch {
		r.done <- err
	}
	if err != nil {
		return
	}
	for _, p := range ps {
		select {
		case g.queue <- p:
		default:
			// Full: the payload waits on disk; the processor will read it
			// from there once it has caught up.
			g.behind.Store(true)
		}
	}
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// process applies payloads in the order they were committed.
func (g *Gateway) process(ctx context.Context) {
	var done int64 // the highest id applied (or found done) by this run
	retry := time.NewTicker(g.opts.RetryEvery)
	defer retry.Stop()
	for {
		if g.behind.Swap(false) {
			// Read the store instead of the queue, from the oldest pending
			// payload, until it has none: that keeps the order, and skips
			// what the queue still holds.
			if !g.catchUp(ctx, &done) {
				g.behind.Store(true)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-retry.C:
			g.behind.Store(true) // payloads whose processing failed are tried again
			continue
		case p := <-g.queue:
			batch := []*watchfire.Payload{p}
		drain:
			for len(batch) < maxApplyBatch {
				select {
				case p := <-g.queue:
					batch = append(batch, p)
				default:
					break drain
				}
			}
			batch = slices.DeleteFunc(batch, func(p *watchfire.Payload) bool { return p.ID <= done })
			if len(batch) == 0 {
				continue
			}
			if n := g.yieldToIngest(ctx); n < len(batch) {
				// Busy: apply these from the store, a few at a time.
				g.behind.Store(true)
			}
			if g.behind.Load() {
				// Older payloads were dropped from the queue meanwhile:
				// they go first, and these with them, from the store.
				continue
			}
			g.apply(ctx, batch)
			done = max(done, batch[len(batch)-1].ID)
		case <-g.wake:
		}
	}
}

// yieldToIngest lets deliveries go first: while senders wait for their
// acknowledgement, the processor waits, up to maxYield, and then applies a
// small batch (the size it returns). Both need the database's one writer
// (SQLite's single connection), and a sender is waiting for its 202 while
// nobody waits on an applied event. Under a burst the backlog grows on
// disk and drains once it eases.
func (g *Gateway) yieldToIngest(ctx context.Context) int {
	// Busy: senders are waiting, or were a moment ago (between two
	// deliveries of a burst no one may be waiting at that very instant).
	busy := func() bool {
		return g.waiting.Load() > 0 || time.Now().UnixNano()-g.lastCommit.Load() < int64(lull)
	}
	if !busy() {
		return maxApplyBatch
	}
	deadline := time.Now().Add(maxYield)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for busy() {
		if time.Now().After(deadline) {
			return minApplyBatch
		}
		select {
		case <-ctx.Done():
			return minApplyBatch
		case <-tick.C:
		}
	}
	return maxApplyBatch
}

// catchUp applies every pending payload in the store, oldest first. It
// returns false if it had to stop (an error or shutdown).
func (g *Gateway) catchUp(ctx context.Context, done *int64) bool {
	after := int64(0)
	for {
		n := g.yieldToIngest(ctx)
		ps, err := g.opts.Store.PendingPayloads(ctx, after, n)
		if err != nil {
			if ctx.Err() == nil {
				g.opts.Log.Error("reading pending payloads failed; trying again later", "err", err)
			}
			return false
		}
		if len(ps) == 0 {
			return true
		}
		batch := make([]*watchfire.Payload, len(ps))
		for i := range ps {
			batch[i] = &ps[i]
		}
		g.apply(ctx, batch)
		after = ps[len(ps)-1].ID
		*done = max(*done, after)
		if ctx.Err() != nil {
			return false
		}
	}
}

// apply normalizes a batch and records it in one engine transaction; if
// that fails, each payload alone, so that one bad payload cannot hold up
// the rest.
func (g *Gateway) apply(ctx context.Context, batch []*watchfire.Payload) {
	items := make([]engine.PayloadItem, len(batch))
	for i, p := range batch {
		items[i] = g.normalize(p)
	}
	err := g.opts.Recorder.RecordPayloads(ctx, items)
	if err == nil {
		g.applied.Add(int64(len(items)))
		return
	}
	if ctx.Err() != nil {
		return // pending still; the next start applies them
	}
	if len(items) > 1 {
		for i := range items {
			g.apply(ctx, batch[i:i+1])
		}
		return
	}
	p := batch[0]
	if watchfire.ErrorCode(err) == watchfire.ECONFLICT {
		return // another replica applied it first
	}
	final := p.Attempts+1 >= maxAttempts
	g.opts.Log.Error("applying a payload failed", "payload", p.ID, "provider", p.Provider, "attempt", p.Attempts+1,
		"final", final, "err", err)
	if ferr := g.opts.Store.FailPayload(context.WithoutCancel(ctx), p.ID, err.Error(), final); ferr != nil {
		g.opts.Log.Error("recording a payload's failure failed", "payload", p.ID, "err", ferr)
	}
	p.Attempts++
}

// normalize parses a payload with its adapter.
func (g *Gateway) normalize(p *watchfire.Payload) (it engine.PayloadItem) {
	it.Payload = p
	if p.Source == watchfire.SourcePoller {
		var rec engine.DependencyRecord
		if err := json.Unmarshal(p.Body, &rec); err != nil {
			it.Unparsed = "poller report: " + err.Error()
			return it
		}
		it.Record = &rec
		return it
	}
	a := g.adapters[p.Provider]
	if a == nil {
		it.Unparsed = fmt.Sprintf("no adapter for provider %q in this version of Watchfire", p.Provider)
		return it
	}
	push, err := parse(a, p.Body)
	switch {
	case err != nil:
		it.Unparsed = err.Error()
	case push == nil || push.Empty():
		it.Unparsed = p.Provider + ": the payload names no component, incident or maintenance change"
	default:
		push.Provider = p.Provider
		it.Push = push
		if src := g.sources.Load().byID[p.SourceID]; src != nil {
			it.Dependency = src.Dependency
		}
	}
	return it
}

// parse runs an adapter, turning a panic (a bug) into an unparsed payload
// rather than a crash loop on restart.
func parse(a provider.WebhookAdapter, body []byte) (push *watchfire.UpstreamPush, err error) {
	defer func() {
		if r := recover(); r != nil {
			push, err = nil, fmt.Errorf("%s adapter failed on this payload: %v", a.Name(), r)
		}
	}()
	return a.ParseWebhook(body)
}

// prune deletes raw payloads older than the retention, every hour.
func (g *Gateway) prune(ctx context.Context, retentionOf func() time.Duration) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		retention := DefaultRetention
		if retentionOf != nil && retentionOf() > 0 {
			retention = retentionOf()
		}
		n, err := g.opts.Store.PrunePayloads(ctx, g.opts.Now().Add(-retention))
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			g.opts.Log.Warn("pruning raw payloads failed", "err", err)
		case n > 0:
			g.opts.Log.Info("raw payloads pruned", "deleted", n, "older_than", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stats are the gateway's counters since start.
type Stats struct {
	Committed int64 // payloads stored
	Commits   int64 // transactions that stored them
	Applied   int64 // payloads applied by the processor
	Queued    int   // payloads waiting in the queue
}

// Stats returns the counters.
func (g *Gateway) Stats() Stats {
	return Stats{Committed: g.committed.Load(), Commits: g.commits.Load(), Applied: g.applied.Load(), Queued: len(g.queue)}
}
