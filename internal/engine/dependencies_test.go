package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/store"
)

var providerNames = []string{"auto", "atlassian", "feed", "directory"}

func githubDep() watchfire.Dependency {
	return watchfire.Dependency{ID: "github", Name: "GitHub", URL: "https://www.githubstatus.com", Provider: "auto",
		Interval: time.Minute, Affects: []watchfire.DependencyAffect{
			{ComponentID: "api", Upstream: "Actions"},
			{ComponentID: "cache"}, // the whole page
		}}
}

// githubReport is a small Atlassian-like report: Actions in the given
// status, and an incident when it is not operational.
func githubReport(actions watchfire.ComponentStatus, incident watchfire.IncidentStatus, updates int) *watchfire.UpstreamReport {
	r := &watchfire.UpstreamReport{Provider: "atlassian", Indicator: watchfire.IndicatorNone, Description: "All Systems Operational",
		Components: []watchfire.UpstreamComponent{
			{ID: "a1", Name: "Actions", Status: actions},
			{ID: "g1", Name: "Git Operations", Status: watchfire.StatusOperational},
		}}
	if incident != "" {
		r.Indicator, r.Description = watchfire.IndicatorMinor, "Minor Service Outage"
		inc := watchfire.UpstreamIncident{ID: "inc1", Name: "Actions delays", Status: incident, Impact: watchfire.ImpactMinor,
			StartedAt: time.Date(2025, 11, 3, 14, 0, 0, 0, time.UTC), Components: []string{"Actions"}}
		for i := range updates {
			inc.Updates = append([]watchfire.UpstreamUpdate{{Status: string(incident), Body: "Update " + string(rune('A'+i)),
				At: time.Date(2025, 11, 3, 14, i, 0, 0, time.UTC)}}, inc.Updates...)
		}
		r.Incidents = []watchfire.UpstreamIncident{inc}
	}
	return r
}

// record stores a report and returns the events it committed.
func (e *env) record(t *testing.T, rep *watchfire.UpstreamReport) []watchfire.Event {
	t.Helper()
	before := e.lastEventID(t)
	e.clock.Advance(time.Minute)
	if err := e.eng.RecordDependency(t.Context(), engine.DependencyRecord{ID: "github", Provider: "atlassian",
		Report: rep, Hash: "h", Health: watchfire.FetchHealth{}}); err != nil {
		t.Fatalf("RecordDependency: %v", err)
	}
	e.drain(t)
	events := e.eventsAfter(t, before)
	for _, ev := range events {
		if ev.Source != watchfire.SourcePoller || ev.Provider != "atlassian" {
			t.Errorf("event %s: source %q provider %q, want poller/atlassian", ev.Kind, ev.Source, ev.Provider)
		}
	}
	return events
}

func TestDependencyRollUpAndEvents(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.configure(t)
		e.run(t, configOrigin, func() error { return e.eng.ApplyDependencies(t.Context(), []watchfire.Dependency{githubDep()}) })
		st := e.loadState(t)
		if gh := st.Component("github"); gh != nil {
			t.Fatalf("a dependency never read shows as %+v; it must not claim any status", gh)
		}

		// First read: all fine, nothing to announce but its component.
		evs := e.record(t, githubReport(watchfire.StatusOperational, "", 0))
		if k := kinds(evs); len(k) != 1 || k[0] != watchfire.KindComponentCreated {
			t.Errorf("a quiet first report made %s", strings.Join(describe(evs), "\n"))
		}
		st = e.loadState(t)
		gh := st.Component("github")
		if gh == nil || gh.GroupID != watchfire.ThirdPartyGroup || gh.Name != "GitHub" || gh.Status != watchfire.StatusOperational {
			t.Fatalf("third-party component = %+v, want GitHub in the third-party group", gh)
		}

		// Actions goes down with an incident.
		evs = e.record(t, githubReport(watchfire.StatusPartialOutage, watchfire.IncidentInvestigating, 1))
		got := strings.Join(describeDeps(evs), "\n")
		for _, want := range []string{
			"component.status_changed github/Actions operational→partial_outage",
			"incident.created github inc1 investigating",
			"component.status_changed github operational→partial_outage",
			"component.status_changed api operational→degraded_performance Degraded: upstream GitHub Actions partial outage",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("events lack %q; got\n%s", want, got)
			}
		}
		st = e.loadState(t)
		if c := st.Component("api"); c.Status != watchfire.StatusDegradedPerformance || c.UpstreamReason != "Degraded: upstream GitHub Actions partial outage" {
			t.Errorf("api = %s %q", c.Status, c.UpstreamReason)
		}
		// cache is affected by the whole page, whose worst is now a partial outage.
		if c := st.Component("cache"); c.Status != watchfire.StatusDegradedPerformance || c.UpstreamReason != "Degraded: upstream GitHub partial outage" {
			t.Errorf("cache = %s %q", c.Status, c.UpstreamReason)
		}
		// A vendor's outage is not ours: the page indicator reflects api's
		// degradation, not GitHub's partial outage.
		if ind, _ := st.PageIndicator(st.Page("main")); ind != watchfire.IndicatorMinor {
			t.Errorf("page indicator = %s, want minor", ind)
		}

		// The same report again changes nothing.
		if evs := e.record(t, githubReport(watchfire.StatusPartialOutage, watchfire.IncidentInvestigating, 1)); len(evs) != 0 {
			t.Errorf("an unchanged report made events: %s", strings.Join(describe(evs), "\n"))
		}
		// A new update: one incident.updated.
		evs = e.record(t, githubReport(watchfire.StatusPartialOutage, watchfire.IncidentIdentified, 2))
		if k := kinds(evs); len(k) != 1 || k[0] != watchfire.KindIncidentUpdated {
			t.Errorf("new update made %v, want one incident.updated", k)
		}
		// Resolved: the incident leaves the list of open ones.
		evs = e.record(t, githubReport(watchfire.StatusOperational, "", 0))
		got = strings.Join(describeDeps(evs), "\n")
		for _, want := range []string{
			"incident.resolved github inc1 resolved",
			"component.status_changed github/Actions partial_outage→operational",
			"component.status_changed api degraded_performance→operational",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("events lack %q; got\n%s", want, got)
			}
		}
		incs, err := e.db.DependencyIncidents(t.Context(), "github", store.DependencyIncidentFilter{})
		if err != nil || len(incs) != 1 || incs[0].Status != watchfire.IncidentResolved || incs[0].ResolvedAt == nil {
			t.Errorf("stored incidents = %+v, %v; want inc1 resolved", incs, err)
		}
	})
}

func describeDeps(events []watchfire.Event) []string {
	var out []string
	for _, ev := range events {
		switch ev.Kind {
		case watchfire.KindComponentStatusChanged:
			id := ev.ComponentID
			if ev.Product == "GitHub" && ev.ComponentName != "" && ev.ComponentName != "GitHub" {
				id += "/" + ev.ComponentName
			}
			out = append(out, string(ev.Kind)+" "+id+" "+ev.OldStatus+"→"+ev.NewStatus+" "+ev.Message)
		default:
			out = append(out, string(ev.Kind)+" "+ev.ComponentID+" "+ev.IncidentID+" "+ev.IncidentStatus)
		}
	}
	return out
}

func TestWholeDependencyOutageDegradesAffected(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.configure(t)
		e.run(t, configOrigin, func() error { return e.eng.ApplyDependencies(t.Context(), []watchfire.Dependency{githubDep()}) })
		rep := githubReport(watchfire.StatusMajorOutage, watchfire.IncidentInvestigating, 1)
		rep.Indicator, rep.Description = watchfire.IndicatorCritical, "Major System Outage"
		e.record(t, rep)
		st := e.loadState(t)
		if c := st.Component("cache"); c.Status != watchfire.StatusDegradedPerformance || c.UpstreamReason != "Degraded: upstream GitHub major outage" {
			t.Errorf("cache = %s %q", c.Status, c.UpstreamReason)
		}
		if c := st.Component("github"); c.Status != watchfire.StatusMajorOutage || c.UpstreamReason != "GitHub reports: Major System Outage" {
			t.Errorf("github = %s %q", c.Status, c.UpstreamReason)
		}
		// Monitors now find the api down: the automatic incident names the
		// dependency as the likely cause.
		if err := e.eng.SetMonitorStatus(t.Context(), []engine.MonitorVerdict{{ComponentID: "api", Status: watchfire.StatusMajorOutage, Reason: "HTTP 502"}}); err != nil {
			t.Fatal(err)
		}
		st = e.loadState(t)
		var auto *watchfire.Incident
		for i := range st.Incidents {
			if st.Incidents[i].AutoComponent == "api" {
				auto = &st.Incidents[i]
			}
		}
		if auto == nil || !strings.Contains(auto.Updates[0].Body, "Possible root cause") || !strings.Contains(auto.Updates[0].Body, "GitHub Actions major outage") {
			t.Errorf("automatic incident = %+v, want a root-cause hint naming GitHub Actions", auto)
		}
	})
}

func TestDependencyCommands(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.configure(t)
		e.run(t, configOrigin, func() error { return e.eng.ApplyDependencies(t.Context(), []watchfire.Dependency{githubDep()}) })
		add := func(in engine.DependencyInput) error {
			_, err := e.eng.CreateDependency(t.Context(), engine.API, in, providerNames, 10*time.Second)
			return err
		}
		e.fail(t, watchfire.ECONFLICT, func() error { return add(engine.DependencyInput{ID: "api", Name: "X", URL: "https://x.test"}) })
		e.fail(t, watchfire.ECONFLICT, func() error { return add(engine.DependencyInput{ID: "github", Name: "X", URL: "https://x.test"}) })
		e.fail(t, watchfire.EINVALID, func() error { return add(engine.DependencyInput{Name: "X", URL: "ftp://x.test"}) })
		e.fail(t, watchfire.EINVALID, func() error {
			return add(engine.DependencyInput{Name: "X", URL: "https://x.test", Provider: "nope"})
		})
		e.fail(t, watchfire.EINVALID, func() error {
			return add(engine.DependencyInput{Name: "X", URL: "https://x.test", Interval: time.Second})
		})
		e.fail(t, watchfire.ENOTFOUND, func() error {
			return add(engine.DependencyInput{Name: "X", URL: "https://x.test", Affects: []watchfire.DependencyAffect{{ComponentID: "nope"}}})
		})
		e.fail(t, watchfire.EINVALID, func() error { return e.eng.DeleteDependency(t.Context(), engine.API, "github") })
		e.fail(t, watchfire.ENOTFOUND, func() error { return e.eng.DeleteDependency(t.Context(), engine.API, "nope") })

		e.run(t, engine.API, func() error {
			return add(engine.DependencyInput{Name: "Stripe", URL: "https://status.stripe.com", Category: "payments"})
		})
		deps, err := e.eng.Dependencies(t.Context())
		if err != nil || deps["stripe"] == nil || deps["stripe"].Source != watchfire.SourceAPI || deps["stripe"].Interval != time.Minute {
			t.Fatalf("dependencies = %v, %v; want stripe from the API, polled every minute", deps, err)
		}
		if c := e.loadState(t).Component("stripe"); c != nil {
			t.Errorf("stripe, never read, shows as %+v", c)
		}
		if err := e.eng.RecordDependency(t.Context(), engine.DependencyRecord{ID: "stripe", Provider: "atlassian",
			Report: githubReport(watchfire.StatusOperational, "", 0), Hash: "h"}); err != nil {
			t.Fatal(err)
		}
		if c := e.loadState(t).Component("stripe"); c == nil || c.GroupID != watchfire.ThirdPartyGroup {
			t.Errorf("stripe component after its first read = %+v", c)
		}
		e.drain(t)
		e.run(t, engine.API, func() error { return e.eng.DeleteDependency(t.Context(), engine.API, "stripe") })
		if c := e.loadState(t).Component("stripe"); c != nil {
			t.Errorf("stripe component survived its dependency: %+v", c)
		}
		// The config drops GitHub: it goes, with its component.
		e.run(t, configOrigin, func() error { return e.eng.ApplyDependencies(t.Context(), nil) })
		if deps, _ := e.eng.Dependencies(t.Context()); len(deps) != 0 {
			t.Errorf("dependencies after the config dropped them: %v", deps)
		}
		if c := e.loadState(t).Component("github"); c != nil {
			t.Errorf("github component survived: %+v", c)
		}
	})
}
