package storetest

import (
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

func testEventRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	e := &watchfire.Event{
		ReceivedAt:     at(1),
		OccurredAt:     at(0),
		Source:         watchfire.SourceWebhook,
		Provider:       "atlassian",
		PageID:         "main",
		Product:        "OpenAI API",
		ComponentID:    "chat",
		ComponentName:  "Chat Completions",
		Kind:           watchfire.KindIncidentUpdated,
		OldStatus:      "operational",
		NewStatus:      "degraded_performance",
		IncidentID:     "inc",
		IncidentTitle:  "Elevated errors",
		IncidentStatus: "investigating",
		IncidentImpact: "minor",
		Message:        "Degraded performance due to upstream issue.",
		RawRef:         "raw/2025/11/03/abc.json",
	}
	mustUpdate(t, s, func(tx store.Tx) error { return tx.AppendEvent(ctx, e) })
	if e.ID <= 0 {
		t.Fatalf("AppendEvent set ID %d, want a positive id", e.ID)
	}
	events := mustEvents(t, s, watchfire.EventFilter{})
	assertEqual(t, "Events", events, []watchfire.Event{*e})
}

func testEventFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	events := []*watchfire.Event{
		newEvent(at(0), watchfire.SourceAPI, "", "main"),
		newEvent(at(1), watchfire.SourceWebhook, "atlassian", "main"),
		newEvent(at(2), watchfire.SourcePoller, "statusio", "internal"),
		newEvent(at(3), watchfire.SourceWebhook, "statusio", ""),
		newEvent(at(4), watchfire.SourceProbe, "", "main"),
	}
	for i, e := range events {
		mustUpdate(t, s, func(tx store.Tx) error { return tx.AppendEvent(ctx, e) })
		if i > 0 && e.ID <= events[i-1].ID {
			t.Fatalf("event %d got id %d, not above the previous one, %d", i, e.ID, events[i-1].ID)
		}
	}

	elsewhere := time.FixedZone("UTC-7", -7*60*60)
	tests := []struct {
		name   string
		filter watchfire.EventFilter
		want   []int // indexes into events, in the expected order
	}{
		{"all, newest first", watchfire.EventFilter{}, []int{4, 3, 2, 1, 0}},
		{"source", watchfire.EventFilter{Source: watchfire.SourceWebhook}, []int{3, 1}},
		{"provider", watchfire.EventFilter{Provider: "statusio"}, []int{3, 2}},
		{"page", watchfire.EventFilter{PageID: "main"}, []int{4, 1, 0}},
		{"since, inclusive", watchfire.EventFilter{Since: at(2)}, []int{4, 3, 2}},
		{"since, in another zone", watchfire.EventFilter{Since: at(2).In(elsewhere)}, []int{4, 3, 2}},
		{"since, between events", watchfire.EventFilter{Since: at(2).Add(time.Second)}, []int{4, 3}},
		{"source and provider", watchfire.EventFilter{Source: watchfire.SourceWebhook, Provider: "statusio"}, []int{3}},
		{"limit keeps the newest", watchfire.EventFilter{Limit: 2}, []int{4, 3}},
		{"after id, oldest first", watchfire.EventFilter{AfterID: events[1].ID}, []int{2, 3, 4}},
		{"after id with limit", watchfire.EventFilter{AfterID: events[1].ID, Limit: 2}, []int{2, 3}},
		{"after id with source", watchfire.EventFilter{AfterID: events[1].ID, Source: watchfire.SourceWebhook}, []int{3}},
		{"after the last id", watchfire.EventFilter{AfterID: events[4].ID}, nil},
		{"no match", watchfire.EventFilter{Provider: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []int64
			for _, i := range tt.want {
				want = append(want, events[i].ID)
			}
			assertEqual(t, "event ids", eventIDs(mustEvents(t, s, tt.filter)), want)
		})
	}
}

func testEventLimit(t *testing.T, s store.Store) {
	ctx := t.Context()
	const total = store.MaxEventLimit + 5
	var first int64
	mustUpdate(t, s, func(tx store.Tx) error {
		for i := range total {
			e := newEvent(at(i), watchfire.SourceProbe, "", "")
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
			if i == 0 {
				first = e.ID
			}
		}
		return nil
	})
	tests := []struct {
		limit, want int
	}{
		{0, store.DefaultEventLimit},
		{-1, store.DefaultEventLimit},
		{7, 7},
		{store.MaxEventLimit, store.MaxEventLimit},
		{store.MaxEventLimit + 1, store.MaxEventLimit},
		{1 << 30, store.MaxEventLimit},
	}
	for _, tt := range tests {
		if got := len(mustEvents(t, s, watchfire.EventFilter{Limit: tt.limit})); got != tt.want {
			t.Errorf("Limit %d: %d events, want %d", tt.limit, got, tt.want)
		}
	}
	replay := mustEvents(t, s, watchfire.EventFilter{AfterID: first, Limit: 1 << 30})
	if len(replay) != store.MaxEventLimit || replay[0].ID <= first || replay[len(replay)-1].ID <= replay[0].ID {
		t.Errorf("replay after %d: %d events from %d to %d; want %d ascending", first, len(replay),
			replay[0].ID, replay[len(replay)-1].ID, store.MaxEventLimit)
	}
}

func eventIDs(events []watchfire.Event) []int64 {
	var ids []int64
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	return ids
}
