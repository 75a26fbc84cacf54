// Package live streams committed events to browsers and programs: as
// server-sent events on GET /api/v1/events (when the client accepts
// text/event-stream) and as WebSocket messages on GET /api/v1/ws.
//
// One Broadcaster listens on the hub. It encodes each committed event once
// and appends it to a ring of recent events that every connection shares;
// connections read the ring by cursor, and a commit wakes them all by
// closing a channel that it then replaces. A connection holds no queue of
// its own and no goroutine beyond the one serving it, so ten thousand of
// them cost little more than their sockets. A connection that asks to
// resume from an older event, or falls so far behind that the ring has
// moved past it, is served from the store's event log first, then joins the
// ring again without a gap or a duplicate; one too far behind is told to
// resync instead.
package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/watchfire-status/watchfire"
)

// Defaults for Options.
const (
	DefaultRingSize     = 4096
	DefaultHeartbeat    = 15 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultMaxStreams   = 20000
	DefaultMaxReplay    = 10000
)

// replayPage is how many events a catching-up connection reads from the
// store at a time.
const replayPage = 500

// EventReader reads the event log; store.Store satisfies it.
type EventReader interface {
	Events(ctx context.Context, filter watchfire.EventFilter) ([]watchfire.Event, error)
}

// Options configure a Broadcaster. Zero values take the defaults.
type Options struct {
	// Store is the event log that replays come from. Required.
	Store EventReader
	Log   *slog.Logger
	// RingSize is how many recent events are kept in memory for every
	// connection to read.
	RingSize int
	// Heartbeat is how often every stream gets a heartbeat (and, on
	// WebSocket, a protocol ping), so proxies and clients know it lives.
	// The first comes after a random half to whole interval.
	Heartbeat time.Duration
	// WriteTimeout bounds each write: a client that stops reading is
	// dropped after it.
	WriteTimeout time.Duration
	// MaxStreams caps concurrent streams; beyond it new ones get 503.
	MaxStreams int
	// MaxReplay is the largest gap a resuming connection is sent event by
	// event; beyond it the connection gets a resync.
	MaxReplay int
	Now       func() time.Time
}

// entry is one committed event in the ring, encoded once for everyone.
type entry struct {
	seq       uint64 // position in the ring's history
	id        int64
	page      string
	component string
	source    string
	provider  string
	frame     []byte // "id: N\ndata: JSON\n\n"
	json      []byte // the JSON inside frame
}

// Broadcaster fans committed events out to live streams. Register its
// OnCommit on the hub; serve streams with ServeSSE and ServeWS; Close it
// when the server shuts down.
type Broadcaster struct {
	o     Options
	slots []atomic.Pointer[entry]

	head    atomic.Uint64 // seq of the next entry
	newest  atomic.Int64  // id of the newest entry
	evicted atomic.Int64  // id of the newest entry the ring no longer holds
	wake    atomic.Pointer[waker]

	mu sync.Mutex // serializes writers and cursors joining the ring

	admit   sync.Mutex
	streams int
	closed  bool
	done    chan struct{} // closed by Close
	idle    chan struct{} // closed once closed and no stream is left
}

// waker is closed when the ring moves on.
type waker struct{ c chan struct{} }

// New returns a broadcaster reading replays from o.Store.
func New(o Options) *Broadcaster {
	if o.RingSize <= 0 {
		o.RingSize = DefaultRingSize
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.MaxStreams <= 0 {
		o.MaxStreams = DefaultMaxStreams
	}
	if o.MaxReplay <= 0 {
		o.MaxReplay = DefaultMaxReplay
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	b := &Broadcaster{o: o, slots: make([]atomic.Pointer[entry], o.RingSize),
		done: make(chan struct{}), idle: make(chan struct{})}
	b.wake.Store(&waker{c: make(chan struct{})})
	return b
}

// OnCommit is the broadcaster's hub listener. It runs inline in the
// writer: it encodes each event once, appends it to the ring and wakes the
// streams, and returns without writing to any of them.
func (b *Broadcaster) OnCommit(_ context.Context, events []watchfire.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	added := false
	for i := range events {
		e := &events[i]
		if e.ID <= b.newest.Load() {
			continue // already in the ring: ids only grow
		}
		data, err := EncodeEvent(e)
		if err != nil {
			b.o.Log.Error("live: cannot encode an event; streams skip it", "event_id", e.ID, "err", err)
			continue
		}
		seq := b.head.Load()
		en := newEntry(e, data)
		en.seq = seq
		slot := &b.slots[seq%uint64(len(b.slots))]
		if old := slot.Load(); old != nil {
			b.evicted.Store(old.id)
		}
		slot.Store(en)
		b.newest.Store(e.ID)
		b.head.Store(seq + 1)
		added = true
	}
	if added {
		old := b.wake.Swap(&waker{c: make(chan struct{})})
		close(old.c)
	}
}

// newEntry frames an encoded event for SSE; WebSocket sends its JSON part.
func newEntry(e *watchfire.Event, data []byte) *entry {
	frame := make([]byte, 0, len(data)+32)
	frame = append(frame, "id: "...)
	frame = strconv.AppendInt(frame, e.ID, 10)
	frame = append(frame, "\ndata: "...)
	start := len(frame)
	frame = append(frame, data...)
	end := len(frame)
	frame = append(frame, "\n\n"...)
	return &entry{id: e.ID, page: e.PageID, component: e.ComponentID, source: string(e.Source), provider: e.Provider,
		frame: frame, json: frame[start:end:end]}
}

// LastID returns the id of the newest event the broadcaster has seen, 0
// before the first commit. A page rendered from a snapshot should rather
// pass the snapshot's State.LastEventID as last_event_id.
func (b *Broadcaster) LastID() int64 { return b.newest.Load() }

// Streams returns how many streams are open.
func (b *Broadcaster) Streams() int {
	b.admit.Lock()
	defer b.admit.Unlock()
	return b.streams
}

// Close ends every stream and waits until all of them have finished.
// New streams are refused with 503. Wire it to http.Server's
// RegisterOnShutdown: Shutdown waits for active connections, and a stream
// never goes idle on its own.
func (b *Broadcaster) Close() {
	b.admit.Lock()
	if !b.closed {
		b.closed = true
		close(b.done)
		if b.streams == 0 {
			close(b.idle)
		}
	}
	b.admit.Unlock()
	<-b.idle
}

var errClosed = errors.New("live: broadcaster closed")

// acquire admits a stream, or says why not.
func (b *Broadcaster) acquire() error {
	b.admit.Lock()
	defer b.admit.Unlock()
	if b.closed {
		return watchfire.Errorf(watchfire.EUNAVAILABLE, "the server is shutting down; reconnect in a moment")
	}
	if b.streams >= b.o.MaxStreams {
		return watchfire.Errorf(watchfire.EUNAVAILABLE,
			"too many live streams (%d); try again later or poll GET /api/v1/events", b.o.MaxStreams)
	}
	b.streams++
	return nil
}

func (b *Broadcaster) release() {
	b.admit.Lock()
	defer b.admit.Unlock()
	b.streams--
	if b.closed && b.streams == 0 {
		close(b.idle)
	}
}

// params are what a stream request asks for.
type params struct {
	resume bool  // replay after lastID (0: from the start of the log)
	lastID int64 // from Last-Event-ID or ?last_event_id=
	filter filter
}

// filter selects the events a stream shows.
type filter struct {
	page      string // that page's events and events of no page
	component string // only that component's events
	source    string // only events from that source (probe, poller, webhook…)
	provider  string // only events from that third-party provider
}

func (f *filter) match(e *entry) bool {
	if f.page != "" && e.page != "" && e.page != f.page {
		return false
	}
	return (f.component == "" || e.component == f.component) && (f.source == "" || e.source == f.source) &&
		(f.provider == "" || e.provider == f.provider)
}

// parseParams reads Last-Event-ID (header first: a reconnecting
// EventSource sends the newest id it has seen), ?last_event_id=, and the
// filters ?page_id=, ?component=, ?source= and ?provider=.
func parseParams(header string, q url.Values) (params, error) {
	p := params{filter: filter{page: q.Get("page_id"), component: q.Get("component"), source: q.Get("source"),
		provider: q.Get("provider")}}
	v := header
	if v == "" {
		v = q.Get("last_event_id")
	}
	if v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return p, watchfire.Errorf(watchfire.EINVALID, "last_event_id: %q is not an event id (a whole number ≥ 0)", v)
		}
		p.lastID, p.resume = id, true
	}
	return p, nil
}

// sender writes one protocol's frames.
type sender interface {
	event(e *entry) error
	heartbeat() error
	resync(lastID int64) error
}

// cursor is a stream's place in the event history.
type cursor struct {
	b    *Broadcaster
	f    filter
	seq  uint64 // next ring position to read
	last int64  // id of the last event sent or passed over
}

// run streams events to s until ctx ends, the broadcaster closes or a
// write fails.
func (b *Broadcaster) run(ctx context.Context, s sender, p params) error {
	c := &cursor{b: b, f: p.filter}
	if p.resume {
		c.last = p.lastID
		if err := c.catchUp(ctx, s); err != nil {
			return err
		}
	} else {
		c.join()
	}
	// The first heartbeat comes after a random half to whole interval:
	// clients that all reconnected at once (after a restart) do not keep
	// beating in step, ten thousand writes and pings at the same instant.
	hb := time.NewTimer(b.o.Heartbeat/2 + rand.N(b.o.Heartbeat/2+1))
	defer hb.Stop()
	size := uint64(len(b.slots))
	for {
		w := b.wake.Load() // before reading head, so no wake-up is missed
		for c.seq < b.head.Load() {
			e := b.slots[c.seq%size].Load()
			if e.seq != c.seq { // overwritten: the ring moved past this stream
				if err := c.catchUp(ctx, s); err != nil {
					return err
				}
				continue
			}
			c.seq++
			if e.id <= c.last {
				continue // already sent from the store
			}
			c.last = e.id
			if !c.f.match(e) {
				continue
			}
			if err := s.event(e); err != nil {
				return err
			}
		}
		select {
		case <-w.c:
		case <-hb.C:
			if err := s.heartbeat(); err != nil {
				return err
			}
			hb.Reset(b.o.Heartbeat)
		case <-ctx.Done():
			return ctx.Err()
		case <-b.done:
			return errClosed
		}
	}
}

// join starts the cursor at the ring's head: live from now on.
func (c *cursor) join() {
	c.b.mu.Lock()
	defer c.b.mu.Unlock()
	c.seq, c.last = c.b.head.Load(), c.b.newest.Load()
}

// catchUp sends what the stream missed after c.last from the store, then
// joins the ring right after it. A gap wider than MaxReplay becomes a
// resync.
func (c *cursor) catchUp(ctx context.Context, s sender) error {
	b := c.b
	newest, err := b.newestID(ctx)
	if err != nil {
		return err
	}
	if c.last > newest || newest-c.last > int64(b.o.MaxReplay) {
		return c.resync(ctx, s)
	}
	read := 0
	for {
		if err := ctxErr(ctx, b.done); err != nil {
			return err
		}
		var events []watchfire.Event
		if c.last == 0 {
			// The store lists "after 0" newest first, like no cursor at
			// all: one page of it is the whole log, or too much to replay.
			events, err = b.o.Store.Events(ctx, watchfire.EventFilter{Limit: replayPage})
			if err == nil && len(events) == replayPage {
				return c.resync(ctx, s)
			}
			slices.Reverse(events)
		} else {
			events, err = b.o.Store.Events(ctx, watchfire.EventFilter{AfterID: c.last, Limit: replayPage})
		}
		if err != nil {
			return fmt.Errorf("live: replaying events after %d: %w", c.last, err)
		}
		for i := range events {
			e := &events[i]
			c.last = e.ID
			data, err := EncodeEvent(e)
			if err != nil {
				continue
			}
			en := newEntry(e, data)
			if !c.f.match(en) {
				continue
			}
			if err := s.event(en); err != nil {
				return err
			}
		}
		read += len(events)
		if read > b.o.MaxReplay {
			return c.resync(ctx, s)
		}
		if len(events) < replayPage && c.attach() {
			return nil
		}
	}
}

// attach points the cursor at the first ring entry after c.last. It fails
// when the ring has already dropped events after c.last: the store has
// them.
func (c *cursor) attach() bool {
	b := c.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.evicted.Load() > c.last {
		return false
	}
	size := uint64(len(b.slots))
	head := b.head.Load()
	oldest := head - min(head, size)
	// No writer runs while b.mu is held, and ids grow with seq.
	n := sort.Search(int(head-oldest), func(i int) bool {
		return b.slots[(oldest+uint64(i))%size].Load().id > c.last
	})
	c.seq = oldest + uint64(n)
	return true
}

// resync tells the client to reload its state, then continues live.
func (c *cursor) resync(ctx context.Context, s sender) error {
	c.join()
	if c.last == 0 { // nothing committed since start: ask the store
		id, err := c.b.storeNewest(ctx)
		if err != nil {
			return err
		}
		c.last = id
	}
	return s.resync(c.last)
}

// newestID is the newest committed event id: the ring's, or the store's
// before the first commit.
func (b *Broadcaster) newestID(ctx context.Context) (int64, error) {
	if id := b.newest.Load(); id > 0 {
		return id, nil
	}
	return b.storeNewest(ctx)
}

func (b *Broadcaster) storeNewest(ctx context.Context) (int64, error) {
	events, err := b.o.Store.Events(ctx, watchfire.EventFilter{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("live: reading the newest event: %w", err)
	}
	if len(events) == 0 {
		return 0, nil
	}
	return events[0].ID, nil
}

func ctxErr(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return errClosed
	default:
		return ctx.Err()
	}
}

// appendHeartbeat appends {"kind":"heartbeat","time":"<RFC 3339>"}.
func appendHeartbeat(dst []byte, t time.Time) []byte {
	dst = append(dst, `{"kind":"heartbeat","time":"`...)
	dst = t.UTC().AppendFormat(dst, time.RFC3339)
	return append(dst, `"}`...)
}
