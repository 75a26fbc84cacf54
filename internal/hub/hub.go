// Package hub fans committed events out to everything that reacts to a
// change: the snapshot that serves reads, live streams, notifications.
//
// Sources never talk to outputs directly. A writer commits its change and
// its events in one transaction, then publishes the events here, in commit
// order. Listeners come in two kinds:
//   - OnCommit listeners run inline, before Publish returns, so the
//     snapshot is current by the time a write's response is sent;
//   - Subscriptions receive events on a buffered channel and never block
//     the publisher; one that falls behind is marked lagged and closed, and
//     its owner replays what it missed from the store's event log.
package hub

import (
	"context"
	"sync"

	"github.com/watchfire-status/watchfire"
)

// Listener is called inline with each batch of committed events.
type Listener func(ctx context.Context, events []watchfire.Event)

// Hub is an in-process publish/subscribe point for committed events.
type Hub struct {
	mu        sync.RWMutex
	listeners []Listener
	subs      map[*Subscription]struct{}
}

// New returns an empty hub.
func New() *Hub {
	return &Hub{subs: make(map[*Subscription]struct{})}
}

// OnCommit registers fn to run inline on every Publish, in registration
// order. Keep it fast: the writer waits for it.
func (h *Hub) OnCommit(fn Listener) {
	h.mu.Lock()
	h.listeners = append(h.listeners, fn)
	h.mu.Unlock()
}

// Publish hands a batch of committed events to every listener and
// subscriber. Callers publish in commit order.
func (h *Hub) Publish(ctx context.Context, events []watchfire.Event) {
	if len(events) == 0 {
		return
	}
	h.mu.RLock()
	listeners := h.listeners
	h.mu.RUnlock()
	for _, fn := range listeners {
		fn(ctx, events)
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		for _, e := range events {
			if !s.offer(e) {
				delete(h.subs, s)
				break
			}
		}
	}
}

// Subscribe returns a subscription with room for buffer events.
func (h *Hub) Subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	s := &Subscription{ch: make(chan watchfire.Event, buffer), hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Subscribers returns how many subscriptions are open.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs)
}

// Subscription receives published events until it is closed, or until it
// falls behind by more than its buffer.
type Subscription struct {
	ch     chan watchfire.Event
	hub    *Hub
	once   sync.Once
	lagged bool // set under hub.mu before ch is closed
}

// C delivers events in publish order. It is closed when the subscription
// ends; check Lagged to learn why.
func (s *Subscription) C() <-chan watchfire.Event { return s.ch }

// Lagged reports whether the subscription was dropped for falling behind.
// Read it after C is closed.
func (s *Subscription) Lagged() bool {
	s.hub.mu.RLock()
	defer s.hub.mu.RUnlock()
	return s.lagged
}

// Close ends the subscription. It is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if _, ok := s.hub.subs[s]; ok {
		delete(s.hub.subs, s)
	}
	s.closeLocked()
}

// offer delivers e without blocking; called with hub.mu held. It returns
// false, and closes the subscription as lagged, when the buffer is full.
func (s *Subscription) offer(e watchfire.Event) bool {
	select {
	case s.ch <- e:
		return true
	default:
		s.lagged = true
		s.closeLocked()
		return false
	}
}

func (s *Subscription) closeLocked() {
	s.once.Do(func() { close(s.ch) })
}
