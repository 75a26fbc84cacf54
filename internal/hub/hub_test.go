package hub

import (
	"context"
	"testing"

	"github.com/watchfire-status/watchfire"
)

func events(ids ...int64) []watchfire.Event {
	out := make([]watchfire.Event, len(ids))
	for i, id := range ids {
		out[i] = watchfire.Event{ID: id}
	}
	return out
}

func TestListenersRunInlineInOrder(t *testing.T) {
	h := New()
	var got []string
	h.OnCommit(func(_ context.Context, ev []watchfire.Event) { got = append(got, "a") })
	h.OnCommit(func(_ context.Context, ev []watchfire.Event) { got = append(got, "b") })
	h.Publish(context.Background(), events(1))
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("listeners ran as %v, want [a b] before Publish returned", got)
	}
	h.Publish(context.Background(), nil)
	if len(got) != 2 {
		t.Fatalf("an empty batch reached listeners: %v", got)
	}
}

func TestSubscriptionReceivesInOrder(t *testing.T) {
	h := New()
	s := h.Subscribe(10)
	defer s.Close()
	h.Publish(context.Background(), events(1, 2))
	h.Publish(context.Background(), events(3))
	for want := int64(1); want <= 3; want++ {
		if e := <-s.C(); e.ID != want {
			t.Fatalf("got event %d, want %d", e.ID, want)
		}
	}
}

func TestSlowSubscriberIsDroppedNotBlocking(t *testing.T) {
	h := New()
	slow := h.Subscribe(2)
	fast := h.Subscribe(10)
	defer fast.Close()
	h.Publish(context.Background(), events(1, 2, 3)) // must not block
	var n int
	for range slow.C() {
		n++
	}
	if !slow.Lagged() || n != 2 {
		t.Fatalf("slow subscriber: lagged=%v after %d events, want lagged after 2", slow.Lagged(), n)
	}
	if h.Subscribers() != 1 {
		t.Fatalf("hub keeps %d subscribers, want 1", h.Subscribers())
	}
	if len(fast.C()) != 3 {
		t.Fatalf("fast subscriber has %d events, want 3", len(fast.C()))
	}
	slow.Close() // closing twice is safe
}

func TestCloseEndsSubscription(t *testing.T) {
	h := New()
	s := h.Subscribe(1)
	s.Close()
	s.Close()
	if _, ok := <-s.C(); ok {
		t.Fatal("channel still open after Close")
	}
	if s.Lagged() {
		t.Fatal("a closed subscription reports lagged")
	}
	h.Publish(context.Background(), events(1)) // no panic on closed subscribers
}
