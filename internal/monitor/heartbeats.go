package monitor

import (
	"crypto/subtle"
	"sync"
	"time"
)

// Heartbeats receives pushes from heartbeat monitors. A monitor that has
// never beaten counts from when it was registered, so it gets its grace
// period. Beats live in memory: after a restart the grace period starts
// again, which delays an alert by at most one grace period.
type Heartbeats struct {
	mu      sync.Mutex
	now     func() time.Time
	byToken map[string]string    // token → monitor id
	last    map[string]time.Time // monitor id → last beat (or registration)
}

// NewHeartbeats returns an empty registry.
func NewHeartbeats(now func() time.Time) *Heartbeats {
	if now == nil {
		now = time.Now
	}
	return &Heartbeats{now: now, byToken: map[string]string{}, last: map[string]time.Time{}}
}

// Register sets the heartbeat monitors: monitor id → token. Monitors that
// stay keep their last beat.
func (h *Heartbeats) Register(tokens map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	h.byToken = map[string]string{}
	last := map[string]time.Time{}
	for id, token := range tokens {
		h.byToken[token] = id
		if t, ok := h.last[id]; ok {
			last[id] = t
		} else {
			last[id] = now
		}
	}
	h.last = last
}

// Beat records a push for the monitor with the token, and returns its id.
func (h *Heartbeats) Beat(token string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for t, id := range h.byToken {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			h.last[id] = h.now()
			return id, true
		}
	}
	return "", false
}

// LastBeat implements probe.HeartbeatSource.
func (h *Heartbeats) LastBeat(monitorID string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.last[monitorID]
	return t, ok
}
