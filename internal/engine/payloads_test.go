package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/store"
)

// stored appends a raw payload as the gateway would and returns it.
func (e *env) stored(t *testing.T, source watchfire.EventSource, provider, sourceID string) *watchfire.Payload {
	t.Helper()
	p := &watchfire.Payload{ReceivedAt: e.clock.Now(), Source: source, Provider: provider, SourceID: sourceID,
		ContentType: "application/json", Body: []byte(`{}`)}
	if err := e.db.AppendPayloads(t.Context(), []*watchfire.Payload{p}); err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) recordPayloads(t *testing.T, items ...engine.PayloadItem) []watchfire.Event {
	t.Helper()
	before := e.lastEventID(t)
	e.clock.Advance(time.Minute)
	if err := e.eng.RecordPayloads(t.Context(), items); err != nil {
		t.Fatalf("RecordPayloads: %v", err)
	}
	e.drain(t)
	return e.eventsAfter(t, before)
}

func (e *env) payloadState(t *testing.T, id int64) *watchfire.Payload {
	t.Helper()
	p, err := e.db.Payload(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func actionsPush(eventID string, status watchfire.ComponentStatus) *watchfire.UpstreamPush {
	return &watchfire.UpstreamPush{Provider: "atlassian", EventID: eventID,
		Page:       watchfire.UpstreamPage{ID: "gh-page"},
		Components: []watchfire.ComponentChange{{UpstreamComponent: watchfire.UpstreamComponent{ID: "a1", Name: "Actions", Status: status}, OldStatus: watchfire.StatusOperational}},
		OccurredAt: time.Date(2025, 11, 3, 15, 0, 0, 0, time.UTC)}
}

// A pushed change to a followed page makes the events a poll would, rolls
// up onto our components, refers to its payload, and is applied once
// however often the vendor delivers it.
func TestPushMergesIntoItsDependency(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.configure(t)
		e.run(t, configOrigin, func() error { return e.eng.ApplyDependencies(t.Context(), []watchfire.Dependency{githubDep()}) })
		rep := githubReport(watchfire.StatusOperational, "", 0)
		rep.Page.ID = "gh-page"
		e.record(t, rep)

		p := e.stored(t, watchfire.SourceWebhook, "atlassian", "github-hook")
		evs := e.recordPayloads(t, engine.PayloadItem{Payload: p, Push: actionsPush("cu-1", watchfire.StatusPartialOutage)})
		var vendor, ours *watchfire.Event
		for i := range evs {
			ev := &evs[i]
			if ev.Source != watchfire.SourceWebhook || ev.Provider != "atlassian" || ev.RawRef != watchfire.PayloadRef(p.ID) {
				t.Errorf("event %s: source %q provider %q raw %q", ev.Kind, ev.Source, ev.Provider, ev.RawRef)
			}
			switch {
			case ev.Product == "GitHub" && ev.ComponentName == "Actions":
				vendor = ev
			case ev.ComponentID == "api":
				ours = ev
			}
		}
		if vendor == nil || vendor.NewStatus != string(watchfire.StatusPartialOutage) || vendor.OldStatus != string(watchfire.StatusOperational) {
			t.Fatalf("no event for GitHub Actions going to partial outage in\n%s", strings.Join(describe(evs), "\n"))
		}
		if ours == nil || ours.NewStatus != string(watchfire.StatusDegradedPerformance) {
			t.Errorf("our api component did not roll up to degraded:\n%s", strings.Join(describe(evs), "\n"))
		}
		if got := e.payloadState(t, p.ID); got.State != watchfire.PayloadProcessed || got.Events != len(evs) || got.EventKey != "cu-1" || got.ProcessedAt == nil {
			t.Errorf("payload after processing = %+v (events %d)", got, len(evs))
		}

		// The same delivery again: stored, marked duplicate, no event.
		again := e.stored(t, watchfire.SourceWebhook, "atlassian", "github-hook")
		if evs := e.recordPayloads(t, engine.PayloadItem{Payload: again, Push: actionsPush("cu-1", watchfire.StatusPartialOutage)}); len(evs) != 0 {
			t.Errorf("a redelivered event made %s", strings.Join(describe(evs), "\n"))
		}
		if got := e.payloadState(t, again.ID); got.State != watchfire.PayloadDuplicate || got.Events != 0 {
			t.Errorf("redelivery = %+v, want duplicate", got)
		}

		// A poll that sees what the push said makes no second event.
		polled := githubReport(watchfire.StatusPartialOutage, "", 0)
		polled.Page.ID = "gh-page"
		if evs := e.record(t, polled); len(evs) != 0 {
			t.Errorf("a poll confirming the push made\n%s", strings.Join(describe(evs), "\n"))
		}
	})
}

// A push that no dependency claims still makes its events, under the
// product it names; an unparsed payload is kept with its reason; a
// poller's report handed over as a payload records like RecordDependency.
func TestPayloadsStandAloneUnparsedAndPolled(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.configure(t)
		e.run(t, configOrigin, func() error { return e.eng.ApplyDependencies(t.Context(), []watchfire.Dependency{githubDep()}) })

		lone := e.stored(t, watchfire.SourceWebhook, "generic", "")
		bad := e.stored(t, watchfire.SourceWebhook, "atlassian", "")
		poll := e.stored(t, watchfire.SourcePoller, "atlassian", "github")
		push := &watchfire.UpstreamPush{Provider: "generic", EventID: "openai-1",
			Page: watchfire.UpstreamPage{Name: "OpenAI API"},
			Components: []watchfire.ComponentChange{{UpstreamComponent: watchfire.UpstreamComponent{
				Name: "Chat Completions", Status: watchfire.StatusDegradedPerformance}}},
			Message:    "Degraded performance due to upstream issue.",
			OccurredAt: time.Date(2025, 11, 3, 14, 32, 0, 0, time.UTC)}
		evs := e.recordPayloads(t,
			engine.PayloadItem{Payload: lone, Push: push},
			engine.PayloadItem{Payload: bad, Unparsed: "atlassian: no incident or component in the payload"},
			engine.PayloadItem{Payload: poll, Record: &engine.DependencyRecord{ID: "github", Provider: "atlassian",
				Report: githubReport(watchfire.StatusMajorOutage, watchfire.IncidentInvestigating, 1), Hash: "h2"}},
		)
		byRef := map[string][]watchfire.Event{}
		for _, ev := range evs {
			byRef[ev.RawRef] = append(byRef[ev.RawRef], ev)
		}
		alone := byRef[watchfire.PayloadRef(lone.ID)]
		if len(alone) != 1 || alone[0].Product != "OpenAI API" || alone[0].ComponentName != "Chat Completions" ||
			alone[0].NewStatus != "degraded_performance" || alone[0].Source != watchfire.SourceWebhook ||
			alone[0].Provider != "generic" || !alone[0].OccurredAt.Equal(push.OccurredAt) {
			t.Errorf("stand-alone push made %s", strings.Join(describe(alone), "\n"))
		}
		if n := len(byRef[watchfire.PayloadRef(bad.ID)]); n != 0 {
			t.Errorf("an unparsed payload made %d events", n)
		}
		polled := byRef[watchfire.PayloadRef(poll.ID)]
		if k := kinds(polled); !containsKind(k, watchfire.KindIncidentCreated) || !containsKind(k, watchfire.KindComponentStatusChanged) {
			t.Errorf("poller payload made %v", k)
		}
		for _, ev := range polled {
			if ev.Source != watchfire.SourcePoller {
				t.Errorf("poller payload event with source %q", ev.Source)
			}
		}
		if got := e.payloadState(t, bad.ID); got.State != watchfire.PayloadUnparsed || !strings.Contains(got.Error, "no incident") {
			t.Errorf("unparsed payload = %+v", got)
		}
		pending, err := e.db.PendingPayloads(t.Context(), 0, 10)
		if err != nil || len(pending) != 0 {
			t.Errorf("still pending after processing: %d, %v", len(pending), err)
		}
		if unparsed, _ := e.db.Payloads(t.Context(), store.PayloadFilter{State: watchfire.PayloadUnparsed}); len(unparsed) != 1 {
			t.Errorf("unparsed list = %+v", unparsed)
		}
	})
}

func containsKind(ks []watchfire.EventKind, k watchfire.EventKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
