package heartbeatprobe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire/internal/probe"
)

type beats map[string]time.Time

func (b beats) LastBeat(id string) (time.Time, bool) { t, ok := b[id]; return t, ok }

func TestHeartbeat(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	b := beats{"job": now.Add(-4 * time.Minute)}
	p, err := New(probe.Spec{ID: "job", Grace: 5 * time.Minute}, probe.Deps{Heartbeats: b, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Check(context.Background()); !r.OK {
		t.Fatalf("a beat 4m ago with 5m grace failed: %s", r.Reason)
	}
	b["job"] = now.Add(-6 * time.Minute)
	if r := p.Check(context.Background()); r.OK || !strings.Contains(r.Reason, "no heartbeat for 6m0s") {
		t.Fatalf("a beat 6m ago: ok=%v %q", r.OK, r.Reason)
	}
	if _, err := New(probe.Spec{ID: "x"}, probe.Deps{}); err == nil {
		t.Fatal("no grace accepted")
	}
}
