package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
)

// statuses is what a test expects of the fixture's three components.
type statuses struct{ api, db, cache watchfire.ComponentStatus }

const (
	op    = watchfire.StatusOperational
	deg   = watchfire.StatusDegradedPerformance
	part  = watchfire.StatusPartialOutage
	major = watchfire.StatusMajorOutage
	maint = watchfire.StatusUnderMaintenance
)

// TestStatusDerivation drives the fixture's components through incidents,
// maintenances and manual overrides, and checks after each command the
// component.status_changed events (old and new status) and the stored
// statuses. Precedence: manual override, then active maintenance, then the
// worst open incident.
func TestStatusDerivation(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)
		var inc1, inc2, inc3, mnt string
		openIncident := func(id *string, components ...engine.AffectedInput) func() error {
			return func() error {
				inc, err := e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "Incident", Components: components})
				if inc != nil {
					*id = inc.ID
				}
				return err
			}
		}
		setStatus := func(id, status string) func() error {
			return func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, id, engine.ComponentPatch{Status: &status}))
			}
		}
		moveMaintenance := func(status string) func() error {
			return func() error {
				return ignore(e.eng.AddMaintenanceUpdate(ctx, engine.API, mnt, engine.MaintenanceUpdateInput{Status: status}))
			}
		}
		resolve := func(id *string) func() error {
			return func() error { return ignore(e.eng.ResolveIncident(ctx, engine.API, *id, "")) }
		}
		steps := []struct {
			name        string
			cmd         func() error
			wantChanges []string
			want        statuses
		}{
			{"an incident sets its components' statuses",
				openIncident(&inc1, engine.AffectedInput{ComponentID: "api", Status: "degraded_performance"},
					engine.AffectedInput{ComponentID: "db", Status: "partial_outage"}),
				[]string{"api: operational → degraded_performance", "db: operational → partial_outage"},
				statuses{deg, part, op}},
			{"a second open incident with a worse status wins",
				openIncident(&inc2, engine.AffectedInput{ComponentID: "api", Status: "major_outage"}),
				[]string{"api: degraded_performance → major_outage"},
				statuses{major, part, op}},
			{"a third with a better status does not lower it",
				openIncident(&inc3, engine.AffectedInput{ComponentID: "db", Status: "degraded_performance"}),
				[]string{},
				statuses{major, part, op}},
			{"resolving one incident leaves the other's status",
				resolve(&inc2),
				[]string{"api: major_outage → degraded_performance"},
				statuses{deg, part, op}},
			{"an update changes the status an open incident sets",
				func() error {
					return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, inc1, engine.IncidentUpdateInput{Body: "Worse.",
						Components: []engine.AffectedInput{{ComponentID: "db", Status: "major_outage"}}}))
				},
				[]string{"db: partial_outage → major_outage"},
				statuses{deg, major, op}},
			{"a manual override beats incidents",
				setStatus("db", "operational"),
				[]string{"db: major_outage → operational"},
				statuses{deg, op, op}},
			{"auto clears the override",
				setStatus("db", engine.StatusAuto),
				[]string{"db: operational → major_outage"},
				statuses{deg, major, op}},
			{"a scheduled maintenance changes nothing yet",
				func() error {
					m, err := e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "Upgrade",
						ScheduledFor: e.clock.Now().Add(time.Hour), ScheduledUntil: e.clock.Now().Add(2 * time.Hour),
						Components: []string{"api", "cache"}})
					if m != nil {
						mnt = m.ID
					}
					return err
				},
				[]string{},
				statuses{deg, major, op}},
			{"in progress, it puts its components under maintenance, over incidents",
				moveMaintenance("in_progress"),
				[]string{"api: degraded_performance → under_maintenance", "cache: operational → under_maintenance"},
				statuses{maint, major, maint}},
			{"verifying keeps them under maintenance",
				moveMaintenance("verifying"),
				[]string{},
				statuses{maint, major, maint}},
			{"a manual override beats maintenance",
				setStatus("cache", "major_outage"),
				[]string{"cache: under_maintenance → major_outage"},
				statuses{maint, major, major}},
			{"adding a component to an active maintenance",
				func() error {
					return ignore(e.eng.UpdateMaintenance(ctx, engine.API, mnt, engine.MaintenancePatch{Components: &[]string{"api", "db", "cache"}}))
				},
				[]string{"db: major_outage → under_maintenance"},
				statuses{maint, maint, major}},
			{"completing it gives back the derived statuses; the override stays",
				moveMaintenance("completed"),
				[]string{"api: under_maintenance → degraded_performance", "db: under_maintenance → major_outage"},
				statuses{deg, major, major}},
			{"auto on a component with no incident makes it operational",
				setStatus("cache", engine.StatusAuto),
				[]string{"cache: major_outage → operational"},
				statuses{deg, major, op}},
			{"resolving an incident leaves the statuses of the one still open",
				resolve(&inc1),
				[]string{"api: degraded_performance → operational", "db: major_outage → degraded_performance"},
				statuses{op, deg, op}},
			{"resolving the last incident",
				resolve(&inc3),
				[]string{"db: degraded_performance → operational"},
				statuses{op, op, op}},
			{"reopening a resolved incident makes it count again",
				func() error {
					return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, inc2, engine.IncidentUpdateInput{Status: "investigating",
						Body: "It is back.", Components: []engine.AffectedInput{{ComponentID: "api", Status: "partial_outage"}}}))
				},
				[]string{"api: operational → partial_outage"},
				statuses{part, op, op}},
			{"reopening a completed maintenance puts components back under maintenance",
				moveMaintenance("in_progress"),
				[]string{"api: partial_outage → under_maintenance", "db: operational → under_maintenance",
					"cache: operational → under_maintenance"},
				statuses{maint, maint, maint}},
		}
		for _, step := range steps {
			ok := t.Run(step.name, func(t *testing.T) {
				events := e.run(t, engine.API, step.cmd)
				if got := statusChanges(events); !slices.Equal(got, step.wantChanges) {
					t.Errorf("status changes %q, want %q", got, step.wantChanges)
				}
				got := e.statuses(t)
				if want := step.want; got["api"] != want.api || got["db"] != want.db || got["cache"] != want.cache {
					t.Errorf("stored statuses api=%s db=%s cache=%s, want api=%s db=%s cache=%s",
						got["api"], got["db"], got["cache"], want.api, want.db, want.cache)
				}
			})
			if !ok {
				break
			}
		}
	})
}

// TestIncidentStatusTimes checks monitoring_at and resolved_at through an
// incident's life: monitoring_at is set the first time the incident enters
// monitoring and kept; resolved_at is set when it closes, kept through
// postmortem and cleared when it reopens. The times are checked on what
// the command returns and on what the store holds.
func TestIncidentStatusTimes(t *testing.T) {
	type step struct {
		status         string
		wantKind       watchfire.EventKind
		wantMonitoring int // index of the step whose time it holds; -1 for none
		wantResolved   int
	}
	tests := []struct {
		name   string
		guards string // the bug this case once caught, if any
		steps  []step // the first creates the incident
	}{
		{"full lifecycle", "", []step{
			{"investigating", watchfire.KindIncidentCreated, -1, -1},
			{"monitoring", watchfire.KindIncidentUpdated, 1, -1},
			{"identified", watchfire.KindIncidentUpdated, 1, -1},
			{"monitoring", watchfire.KindIncidentUpdated, 1, -1},
			{"resolved", watchfire.KindIncidentResolved, 1, 4},
			{"postmortem", watchfire.KindIncidentUpdated, 1, 4},
			{"investigating", watchfire.KindIncidentUpdated, 1, -1},
			{"resolved", watchfire.KindIncidentResolved, 1, 7},
		}},
		{"created resolved (back-filled)", "", []step{
			{"resolved", watchfire.KindIncidentCreated, -1, 0},
			{"identified", watchfire.KindIncidentUpdated, -1, -1},
		}},
		{"created monitoring", "", []step{
			{"monitoring", watchfire.KindIncidentCreated, 0, -1},
			{"postmortem", watchfire.KindIncidentResolved, 0, 1},
		}},
		{"reopened straight into monitoring",
			"engine/incidents.go setStatusTimes: the switch's first case (entering monitoring) wins, so resolved_at is " +
				"not cleared when a resolved incident that never was in monitoring reopens as monitoring",
			[]step{
				{"investigating", watchfire.KindIncidentCreated, -1, -1},
				{"resolved", watchfire.KindIncidentResolved, -1, 1},
				{"monitoring", watchfire.KindIncidentUpdated, 2, -1},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, e *env) {
				ctx := t.Context()
				e.configure(t)
				var id string
				var times []time.Time
				for i, s := range tt.steps {
					var inc *watchfire.Incident
					events := e.run(t, engine.API, func() (err error) {
						if i == 0 {
							inc, err = e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "Errors", Status: s.status})
						} else {
							inc, err = e.eng.AddIncidentUpdate(ctx, engine.API, id, engine.IncidentUpdateInput{Status: s.status, Body: "Update."})
						}
						return err
					})
					id = inc.ID
					times = append(times, e.clock.Now())
					if len(events) != 1 || events[0].Kind != s.wantKind || events[0].IncidentStatus != s.status {
						t.Errorf("step %d (%s): events %v, want one %s with status %s", i, s.status, describe(events), s.wantKind, s.status)
					}
					stored, err := e.db.Incident(ctx, id)
					if err != nil {
						t.Fatalf("step %d: Incident: %v", i, err)
					}
					for _, got := range []struct {
						what string
						inc  *watchfire.Incident
					}{{"returned", inc}, {"stored", stored}} {
						if string(got.inc.Status) != s.status {
							t.Errorf("step %d: %s status %s, want %s", i, got.what, got.inc.Status, s.status)
						}
						checkTime(t, i, got.what+" MonitoringAt", got.inc.MonitoringAt, times, s.wantMonitoring)
						checkTime(t, i, got.what+" ResolvedAt", got.inc.ResolvedAt, times, s.wantResolved)
					}
					if len(stored.Updates) != i+1 || stored.Updates[0].Status != s.status {
						t.Errorf("step %d: stored timeline has %d updates, newest %q; want %d, newest %q",
							i, len(stored.Updates), stored.Updates[0].Status, i+1, s.status)
					}
				}
			})
		})
	}
}

func checkTime(t *testing.T, step int, what string, got *time.Time, times []time.Time, want int) {
	t.Helper()
	switch {
	case want < 0 && got != nil:
		t.Errorf("step %d: %s = %v, want none", step, what, *got)
	case want >= 0 && got == nil:
		t.Errorf("step %d: %s is not set, want %v (step %d)", step, what, times[want].UTC(), want)
	case want >= 0 && !got.Equal(times[want]):
		t.Errorf("step %d: %s = %v, want %v (step %d)", step, what, got.UTC(), times[want].UTC(), want)
	}
}

// TestIncidentImpact checks the impact of a new incident: implied by the
// worst status it sets unless given, and how updates and patches change it.
func TestIncidentImpact(t *testing.T) {
	affects := func(pairs ...string) []engine.AffectedInput {
		var out []engine.AffectedInput
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, engine.AffectedInput{ComponentID: pairs[i], Status: pairs[i+1]})
		}
		return out
	}
	tests := []struct {
		name       string
		components []engine.AffectedInput
		impact     string
		want       watchfire.Impact
	}{
		{"no components", nil, "", watchfire.ImpactNone},
		{"operational", affects("api", "operational"), "", watchfire.ImpactNone},
		{"under maintenance", affects("api", "under_maintenance"), "", watchfire.ImpactNone},
		{"degraded", affects("api", "degraded_performance"), "", watchfire.ImpactMinor},
		{"partial outage", affects("api", "partial_outage"), "", watchfire.ImpactMajor},
		{"major outage", affects("api", "major_outage"), "", watchfire.ImpactCritical},
		{"worst of several", affects("api", "degraded_performance", "db", "partial_outage", "cache", "operational"), "", watchfire.ImpactMajor},
		{"explicit, above the implied one", affects("api", "degraded_performance"), "critical", watchfire.ImpactCritical},
		{"explicit, below the implied one", affects("api", "major_outage"), "none", watchfire.ImpactNone},
		{"explicit, no components", nil, "minor", watchfire.ImpactMinor},
	}
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var inc *watchfire.Incident
				events := e.run(t, engine.API, func() (err error) {
					inc, err = e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: tt.name, Impact: tt.impact, Components: tt.components})
					return err
				})
				stored, err := e.db.Incident(ctx, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				if inc.Impact != tt.want || stored.Impact != tt.want || events[0].IncidentImpact != string(tt.want) {
					t.Errorf("impact: returned %q, stored %q, in the event %q; want %q", inc.Impact, stored.Impact, events[0].IncidentImpact, tt.want)
				}
				// Close it so that the next case starts from operational.
				e.run(t, engine.API, func() error { return ignore(e.eng.ResolveIncident(ctx, engine.API, inc.ID, "")) })
			})
		}

		t.Run("updates and patches", func(t *testing.T) {
			var inc *watchfire.Incident
			e.run(t, engine.API, func() (err error) {
				inc, err = e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "Errors", Components: affects("api", "degraded_performance")})
				return err
			})
			changes := []struct {
				name string
				cmd  func() (*watchfire.Incident, error)
				want watchfire.Impact
			}{
				{"an update without impact keeps it", func() (*watchfire.Incident, error) {
					return e.eng.AddIncidentUpdate(ctx, engine.API, inc.ID, engine.IncidentUpdateInput{Status: "identified", Body: "Found."})
				}, watchfire.ImpactMinor},
				{"an update with an impact sets it", func() (*watchfire.Incident, error) {
					return e.eng.AddIncidentUpdate(ctx, engine.API, inc.ID, engine.IncidentUpdateInput{Impact: "critical"})
				}, watchfire.ImpactCritical},
				{"a patch sets it", func() (*watchfire.Incident, error) {
					return e.eng.UpdateIncident(ctx, engine.API, inc.ID, engine.IncidentPatch{Impact: ptr("major")})
				}, watchfire.ImpactMajor},
				{"resolving keeps it", func() (*watchfire.Incident, error) {
					return e.eng.ResolveIncident(ctx, engine.API, inc.ID, "")
				}, watchfire.ImpactMajor},
			}
			for _, c := range changes {
				var got *watchfire.Incident
				events := e.run(t, engine.API, func() (err error) { got, err = c.cmd(); return err })
				stored, err := e.db.Incident(ctx, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Impact != c.want || stored.Impact != c.want || events[0].IncidentImpact != string(c.want) {
					t.Errorf("%s: returned %q, stored %q, in the event %q; want %q", c.name, got.Impact, stored.Impact, events[0].IncidentImpact, c.want)
				}
			}
		})
	})
}
