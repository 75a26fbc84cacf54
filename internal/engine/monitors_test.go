package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
)

func verdict(id string, s watchfire.ComponentStatus, reason string) []engine.MonitorVerdict {
	return []engine.MonitorVerdict{{ComponentID: id, Status: s, Reason: reason}}
}

// openAuto returns the open automatic incidents, by component.
func openAuto(t *testing.T, e *env) map[string]watchfire.Incident {
	out := map[string]watchfire.Incident{}
	for _, inc := range e.loadState(t).Incidents {
		if inc.Open() && inc.AutoComponent != "" {
			out[inc.AutoComponent] = inc
		}
	}
	return out
}

func TestAutomaticIncidentLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)

		// Down: an incident opens, in English, with the monitor's reason.
		e.run(t, probeOrigin, func() error {
			return e.eng.SetMonitorStatus(ctx, verdict("api", watchfire.StatusMajorOutage, "connection refused by 127.0.0.1:9"))
		})
		auto := openAuto(t, e)["api"]
		if auto.ID == "" || auto.Status != watchfire.IncidentInvestigating || auto.Impact != watchfire.ImpactCritical {
			t.Fatalf("auto incident = %+v, want investigating/critical", auto)
		}
		if auto.Name != "API Gateway is unavailable" || !strings.Contains(auto.Updates[0].Body, "connection refused") {
			t.Fatalf("auto incident text: %q / %q", auto.Name, auto.Updates[0].Body)
		}
		if got := e.statuses(t)["api"]; got != watchfire.StatusMajorOutage {
			t.Fatalf("api = %s", got)
		}

		// Still down: no second incident, no new update.
		e.run(t, probeOrigin, func() error {
			return e.eng.SetMonitorStatus(ctx, verdict("api", watchfire.StatusMajorOutage, "connection refused"))
		})
		if n := len(openAuto(t, e)); n != 1 {
			t.Fatalf("%d automatic incidents, want 1", n)
		}

		// Recovered: monitoring, component back to operational.
		e.run(t, probeOrigin, func() error {
			return e.eng.SetMonitorStatus(ctx, verdict("api", watchfire.StatusOperational, ""))
		})
		auto = openAuto(t, e)["api"]
		if auto.Status != watchfire.IncidentMonitoring {
			t.Fatalf("after recovery: %s, want monitoring", auto.Status)
		}
		if got := e.statuses(t)["api"]; got != watchfire.StatusOperational {
			t.Fatalf("api after recovery = %s", got)
		}

		// Not quiet long enough: stays open. Then quiet: resolved.
		e.clock.Advance(time.Minute)
		if n, err := e.eng.ResolveQuietAutoIncidents(ctx, 5*time.Minute); err != nil || n != 0 {
			t.Fatalf("resolved %d after 1m (err %v), want 0", n, err)
		}
		e.clock.Advance(5 * time.Minute)
		e.run(t, probeOrigin, func() error {
			n, err := e.eng.ResolveQuietAutoIncidents(ctx, 5*time.Minute)
			if err == nil && n != 1 {
				t.Errorf("resolved %d, want 1", n)
			}
			return err
		})
		if n := len(openAuto(t, e)); n != 0 {
			t.Fatalf("%d automatic incidents still open after the quiet period", n)
		}
	})
}

func TestAutomaticIncidentRespectsPeopleAndConfig(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)
		e.eng.SetTopology(map[string][]string{"api": {"db"}}, map[string]bool{"cache": false})

		// auto_incident: false → status changes, no incident.
		e.run(t, probeOrigin, func() error {
			return e.eng.SetMonitorStatus(ctx, verdict("cache", watchfire.StatusMajorOutage, "down"))
		})
		if _, ok := openAuto(t, e)["cache"]; ok {
			t.Fatal("an incident was opened for a component with auto_incident off")
		}

		// A person's open incident on db: monitors do not open a second one.
		e.run(t, engine.API, func() error {
			_, err := e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "DB maintenance gone wrong",
				Components: []engine.AffectedInput{{ComponentID: "db", Status: "degraded_performance"}}})
			return err
		})
		events := e.run(t, probeOrigin, func() error {
			return e.eng.SetMonitorStatus(ctx, verdict("db", watchfire.StatusPartialOutage, "1 of 2 monitors failing"))
		})
		if _, ok := openAuto(t, e)["db"]; ok {
			t.Fatal("an automatic incident was opened beside a person's")
		}
		// db's outage rolls up onto api, which depends on it, with the reason.
		st := e.statuses(t)
		if st["db"] != watchfire.StatusPartialOutage || st["api"] != watchfire.StatusDegradedPerformance {
			t.Fatalf("db %s, api %s; want partial_outage and degraded_performance", st["db"], st["api"])
		}
		var why string
		for _, ev := range events {
			if ev.Kind == watchfire.KindComponentStatusChanged && ev.ComponentID == "api" {
				why = ev.Message
			}
		}
		if why != "Depends on Database, which has a partial outage." {
			t.Fatalf("api's status change says %q", why)
		}
	})
}

func TestAutomaticIncidentInFrench(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		d := fixture()
		d.Pages[0].Locale = "fr"
		e.run(t, configOrigin, func() error { return e.eng.Apply(ctx, d) })
		e.run(t, probeOrigin, func() error {
			return e.eng.SetMonitorStatus(ctx, verdict("api", watchfire.StatusPartialOutage, "délai dépassé"))
		})
		auto := openAuto(t, e)["api"]
		if auto.Name != "API Gateway est partiellement indisponible" || !strings.HasPrefix(auto.Updates[0].Body, "Nos sondes ont détecté") {
			t.Fatalf("french auto incident: %q / %q", auto.Name, auto.Updates[0].Body)
		}
	})
}
