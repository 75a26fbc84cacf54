package site

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/watchfire-status/watchfire"
)

// StateSource gives the current committed state: the snapshot builder.
type StateSource interface {
	State() *watchfire.State
}

// Builder keeps the current Site. A commit swaps in a Site for the new
// state at once, reusing the figures last gathered; Run gathers the
// monitors' figures again every interval. Either way the documents are
// rendered lazily, once, by the first request that wants them.
type Builder struct {
	states StateSource
	src    Sources
	opts   Options
	log    *slog.Logger
	now    func() time.Time

	mu   sync.Mutex // orders swaps
	cur  atomic.Pointer[Site]
	data atomic.Pointer[Data]
}

// NewBuilder returns a builder. Call Refresh once before serving.
func NewBuilder(states StateSource, src Sources, opts Options, log *slog.Logger, now func() time.Time) *Builder {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Builder{states: states, src: src, opts: opts, log: log, now: now}
}

// Current returns the current site, or nil before the first Refresh.
func (b *Builder) Current() *Site { return b.cur.Load() }

// Refresh gathers the figures and swaps in a new site.
func (b *Builder) Refresh(ctx context.Context) error {
	st := b.states.State()
	if st == nil {
		return nil
	}
	d, err := Gather(ctx, b.src, st, b.now())
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.data.Store(d)
	// The state may have moved on while gathering: show the newest.
	b.cur.Store(New(b.states.State(), d, b.src.Reader, b.opts))
	return nil
}

// OnCommit is the hub listener: register it after the snapshot builder's,
// whose state it shows.
func (b *Builder) OnCommit(ctx context.Context, events []watchfire.Event) {
	st := b.states.State()
	if st == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur := b.cur.Load(); cur != nil && cur.State == st {
		return
	}
	b.cur.Store(New(st, b.data.Load(), b.src.Reader, b.opts))
}

// Run refreshes the figures every interval until ctx ends.
func (b *Builder) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := b.Refresh(ctx); err != nil && ctx.Err() == nil {
				b.log.Warn("status page: gathering uptime and response times failed; showing the last figures", "err", err)
			}
		}
	}
}
