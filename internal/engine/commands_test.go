package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/store"
)

// TestCommandsCommitAndPublishTheirEvents runs every command once and
// checks, through env.run, that the events each one stored are those the
// hub delivered, in commit order, stamped with the clock and the origin;
// and here, that each command emitted the events it should.
func TestCommandsCommitAndPublishTheirEvents(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		var incID, mntID string
		steps := []struct {
			name      string
			origin    engine.Origin
			cmd       func() error
			wantKinds []watchfire.EventKind
			check     func(t *testing.T, events []watchfire.Event)
		}{
			{"Apply", configOrigin, func() error { return e.eng.Apply(ctx, fixture()) },
				[]watchfire.EventKind{watchfire.KindPageUpdated, watchfire.KindGroupUpdated,
					watchfire.KindComponentCreated, watchfire.KindComponentCreated, watchfire.KindComponentCreated}, nil},
			{"CreateComponent in a new group", engine.API, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "search", Name: "Search", GroupName: "Edge Services"}))
			}, []watchfire.EventKind{watchfire.KindGroupUpdated, watchfire.KindComponentCreated}, nil},
			{"CreateComponent with a manual status", engine.API, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "cdn", Name: "CDN", Status: "partial_outage"}))
			}, []watchfire.EventKind{watchfire.KindComponentCreated, watchfire.KindComponentStatusChanged}, nil},
			{"UpdateComponent status, from a webhook", hookOrigin, func() error {
				return ignore(e.eng.UpdateComponent(ctx, hookOrigin, "api", engine.ComponentPatch{Status: ptr("major_outage")}))
			}, []watchfire.EventKind{watchfire.KindComponentStatusChanged}, func(t *testing.T, events []watchfire.Event) {
				want := watchfire.Event{Kind: watchfire.KindComponentStatusChanged, PageID: "main", Product: "Acme Cloud",
					ComponentID: "api", ComponentName: "API Gateway", OldStatus: "operational", NewStatus: "major_outage",
					Message: "Status set by an operator."}
				checkEventFields(t, events[0], want)
			}},
			{"UpdateComponent details", engine.API, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "api", engine.ComponentPatch{Name: ptr("API"), Description: ptr("REST")}))
			}, []watchfire.EventKind{watchfire.KindComponentUpdated}, func(t *testing.T, events []watchfire.Event) {
				checkEventFields(t, events[0], watchfire.Event{Kind: watchfire.KindComponentUpdated, PageID: "main",
					Product: "Acme Cloud", ComponentID: "api", ComponentName: "API", Message: "Component details updated."})
			}},
			{"UpdateComponent that changes nothing", engine.API, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "api", engine.ComponentPatch{Name: ptr("API"), Status: ptr("major_outage")}))
			}, []watchfire.EventKind{}, func(t *testing.T, _ []watchfire.Event) {
				if api := e.loadState(t).Component("api"); api.UpdatedAt.Equal(e.clock.Now()) {
					t.Errorf("a patch that changes nothing rewrote the component (updated_at %v)", api.UpdatedAt)
				}
			}},
			{"CreateIncident, from a probe", probeOrigin, func() error {
				inc, err := e.eng.CreateIncident(ctx, probeOrigin, engine.IncidentInput{Name: "Slow queries", Body: "Looking into it.",
					Components: []engine.AffectedInput{{ComponentID: "db", Status: "partial_outage"}}})
				if inc != nil {
					incID = inc.ID
				}
				return err
			}, []watchfire.EventKind{watchfire.KindIncidentCreated, watchfire.KindComponentStatusChanged},
				func(t *testing.T, events []watchfire.Event) {
					checkEventFields(t, events[0], watchfire.Event{Kind: watchfire.KindIncidentCreated, PageID: "main",
						Product: "Acme Cloud", ComponentID: "db", ComponentName: "Database", IncidentID: incID,
						IncidentTitle: "Slow queries", IncidentStatus: "investigating", IncidentImpact: "major",
						Message: "Looking into it."})
					checkEventFields(t, events[1], watchfire.Event{Kind: watchfire.KindComponentStatusChanged, PageID: "main",
						Product: "Acme Cloud", ComponentID: "db", ComponentName: "Database", OldStatus: "operational",
						NewStatus: "partial_outage", Message: "Incident: Slow queries"})
					checkTimeline(t, e, incID, watchfire.AffectedComponent{ComponentID: "db", Name: "Database",
						OldStatus: op, NewStatus: part})
				}},
			{"AddIncidentUpdate, from a poller", pollerOrigin, func() error {
				return ignore(e.eng.AddIncidentUpdate(ctx, pollerOrigin, incID, engine.IncidentUpdateInput{Status: "identified", Body: "Found it."}))
			}, []watchfire.EventKind{watchfire.KindIncidentUpdated}, nil},
			{"UpdateIncident", engine.API, func() error {
				return ignore(e.eng.UpdateIncident(ctx, engine.API, incID, engine.IncidentPatch{Name: ptr("Slow database queries")}))
			}, []watchfire.EventKind{watchfire.KindIncidentUpdated}, nil},
			{"ResolveIncident", engine.API, func() error {
				return ignore(e.eng.ResolveIncident(ctx, engine.API, incID, ""))
			}, []watchfire.EventKind{watchfire.KindIncidentResolved, watchfire.KindComponentStatusChanged},
				func(t *testing.T, events []watchfire.Event) {
					if events[0].Message != "This incident has been resolved." || events[0].IncidentStatus != "resolved" {
						t.Errorf("resolving event: %+v", events[0])
					}
					// Resolving sets what the incident held back to operational.
					checkTimeline(t, e, incID, watchfire.AffectedComponent{ComponentID: "db", Name: "Database",
						OldStatus: part, NewStatus: op})
				}},
			{"CreateMaintenance in progress", engine.API, func() error {
				m, err := e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "Cache upgrade", Status: "in_progress",
					ScheduledFor: e.clock.Now(), ScheduledUntil: e.clock.Now().Add(time.Hour), Components: []string{"cache"}})
				if m != nil {
					mntID = m.ID
				}
				return err
			}, []watchfire.EventKind{watchfire.KindMaintenanceCreated, watchfire.KindComponentStatusChanged},
				func(t *testing.T, events []watchfire.Event) {
					checkEventFields(t, events[0], watchfire.Event{Kind: watchfire.KindMaintenanceCreated, PageID: "main",
						Product: "Acme Cloud", IncidentID: mntID, IncidentTitle: "Cache upgrade", IncidentStatus: "in_progress",
						IncidentImpact: "maintenance", Message: "Scheduled maintenance: Cache upgrade"})
					m, err := e.db.Maintenance(ctx, mntID)
					if err != nil {
						t.Fatal(err)
					}
					want := []watchfire.AffectedComponent{{ComponentID: "cache", Name: "Cache", OldStatus: op, NewStatus: maint}}
					if len(m.Updates) != 1 || !slices.Equal(m.Updates[0].AffectedComponents, want) {
						t.Errorf("maintenance timeline %+v, want one update setting %+v", m.Updates, want)
					}
				}},
			{"AddMaintenanceUpdate, still in progress", engine.API, func() error {
				return ignore(e.eng.AddMaintenanceUpdate(ctx, engine.API, mntID, engine.MaintenanceUpdateInput{Body: "Halfway."}))
			}, []watchfire.EventKind{watchfire.KindMaintenanceUpdated}, nil},
			{"UpdateMaintenance", engine.API, func() error {
				return ignore(e.eng.UpdateMaintenance(ctx, engine.API, mntID, engine.MaintenancePatch{Name: ptr("Cache v7 upgrade")}))
			}, []watchfire.EventKind{watchfire.KindMaintenanceUpdated}, nil},
			{"AddMaintenanceUpdate completing it", engine.API, func() error {
				return ignore(e.eng.AddMaintenanceUpdate(ctx, engine.API, mntID, engine.MaintenanceUpdateInput{Status: "completed"}))
			}, []watchfire.EventKind{watchfire.KindMaintenanceCompleted, watchfire.KindComponentStatusChanged}, nil},
			{"DeleteComponent", engine.API, func() error { return e.eng.DeleteComponent(ctx, engine.API, "search") },
				[]watchfire.EventKind{watchfire.KindComponentDeleted}, nil},
		}
		for _, step := range steps {
			ok := t.Run(step.name, func(t *testing.T) {
				events := e.run(t, step.origin, step.cmd)
				if got := kinds(events); !slices.Equal(got, step.wantKinds) {
					t.Fatalf("events %v, want %v", got, step.wantKinds)
				}
				if step.check != nil {
					step.check(t, events)
				}
			})
			if !ok {
				break // later steps depend on this one
			}
		}
	})
}

// checkTimeline checks the statuses the newest update of an incident set,
// and that the incident holds them.
func checkTimeline(t *testing.T, e *env, incidentID string, want ...watchfire.AffectedComponent) {
	t.Helper()
	inc, err := e.db.Incident(t.Context(), incidentID)
	if err != nil {
		t.Fatalf("Incident: %v", err)
	}
	if got := inc.Updates[0].AffectedComponents; !slices.Equal(got, want) {
		t.Errorf("newest update sets %+v, want %+v", got, want)
	}
	var held []watchfire.AffectedComponent
	for _, ac := range want {
		held = append(held, watchfire.AffectedComponent{ComponentID: ac.ComponentID, Name: ac.Name, NewStatus: ac.NewStatus})
	}
	if !slices.Equal(inc.Components, held) {
		t.Errorf("incident holds %+v, want %+v", inc.Components, held)
	}
}

// checkEventFields compares the fields a command chooses; run checks the
// ones the engine stamps (id, times, source, provider).
func checkEventFields(t *testing.T, got, want watchfire.Event) {
	t.Helper()
	got.ID, got.ReceivedAt, got.OccurredAt, got.Source, got.Provider = 0, time.Time{}, time.Time{}, "", ""
	if got != want {
		t.Errorf("event\n\tgot  %+v\n\twant %+v", got, want)
	}
}

// TestFailedCommandsLeaveNoTrace runs commands that break a rule against a
// store holding one of everything, and checks that each fails with the
// right code, and writes and publishes nothing (see env.fail).
func TestFailedCommandsLeaveNoTrace(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)
		var inc, resolved *watchfire.Incident
		var mnt *watchfire.Maintenance
		e.run(t, engine.API, func() (err error) {
			inc, err = e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "Errors",
				Components: []engine.AffectedInput{{ComponentID: "api", Status: "degraded_performance"}}})
			return err
		})
		e.run(t, engine.API, func() (err error) {
			resolved, err = e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "Old", Status: "resolved"})
			return err
		})
		e.run(t, engine.API, func() (err error) {
			mnt, err = e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "Upgrade",
				ScheduledFor: e.clock.Now().Add(time.Hour), ScheduledUntil: e.clock.Now().Add(2 * time.Hour), Components: []string{"db"}})
			return err
		})
		now := e.clock.Now()
		bad := func(status string) []engine.AffectedInput {
			return []engine.AffectedInput{{ComponentID: "api", Status: status}}
		}

		tests := []struct {
			name string
			code string
			cmd  func() error
		}{
			// Components.
			{"create: invalid id", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "Not An Id", Name: "X"}))
			}},
			{"create: id taken", watchfire.ECONFLICT, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "api", Name: "Another API"}))
			}},
			{"create: no name", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "x", Name: "  "}))
			}},
			{"create: name too long", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "x", Name: strings.Repeat("n", 256)}))
			}},
			{"create: unknown group id", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "x", Name: "X", GroupID: "nope"}))
			}},
			// The new group is written before the status is checked: the
			// rollback must take it back.
			{"create: bad status after creating a group", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "x", Name: "X", GroupName: "Brand New", Status: "on_fire"}))
			}},
			{"update: unknown component", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "nope", engine.ComponentPatch{Name: ptr("X")}))
			}},
			{"update: bad status", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "api", engine.ComponentPatch{Status: ptr("Operational")}))
			}},
			{"update: empty name", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "api", engine.ComponentPatch{Name: ptr("")}))
			}},
			{"update: group id and name disagree", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "api", engine.ComponentPatch{GroupID: ptr("core"), GroupName: ptr("Other")}))
			}},
			{"update: bad status after creating a group", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "db", engine.ComponentPatch{GroupName: ptr("Storage"), Status: ptr("down")}))
			}},
			{"delete: unknown component", watchfire.ENOTFOUND, func() error {
				return e.eng.DeleteComponent(ctx, engine.API, "nope")
			}},
			// Incidents.
			{"incident: no name", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Components: bad("major_outage")}))
			}},
			{"incident: unknown page", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{PageID: "nope", Name: "X"}))
			}},
			{"incident: bad status", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X", Status: "open", Components: bad("major_outage")}))
			}},
			{"incident: bad impact", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X", Impact: "maintenance", Components: bad("major_outage")}))
			}},
			{"incident: unknown component", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X",
					Components: []engine.AffectedInput{{ComponentID: "api", Status: "major_outage"}, {ComponentID: "nope", Status: "major_outage"}}}))
			}},
			{"incident: bad component status", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X", Components: bad("down")}))
			}},
			{"incident: component listed twice", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X",
					Components: []engine.AffectedInput{{ComponentID: "api", Status: "major_outage"}, {ComponentID: "api", Status: "partial_outage"}}}))
			}},
			{"incident: started in the future", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X", StartedAt: ptr(now.Add(time.Hour)),
					Components: bad("major_outage")}))
			}},
			{"incident update: unknown incident", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, "nope", engine.IncidentUpdateInput{Body: "x"}))
			}},
			{"incident update: says nothing", watchfire.EINVALID, func() error {
				return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, inc.ID, engine.IncidentUpdateInput{Status: "investigating", Body: " "}))
			}},
			{"incident update: bad status", watchfire.EINVALID, func() error {
				return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, inc.ID, engine.IncidentUpdateInput{Status: "fixed", Body: "x"}))
			}},
			{"incident update: bad impact", watchfire.EINVALID, func() error {
				return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, inc.ID, engine.IncidentUpdateInput{Impact: "huge", Body: "x"}))
			}},
			{"incident update: unknown component", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, inc.ID, engine.IncidentUpdateInput{Body: "x",
					Components: []engine.AffectedInput{{ComponentID: "nope", Status: "major_outage"}}}))
			}},
			{"incident update: reopening with a bad component status", watchfire.EINVALID, func() error {
				return ignore(e.eng.AddIncidentUpdate(ctx, engine.API, resolved.ID, engine.IncidentUpdateInput{Status: "investigating",
					Components: bad("broken")}))
			}},
			{"resolve: unknown incident", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.ResolveIncident(ctx, engine.API, "nope", ""))
			}},
			{"incident patch: unknown incident", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.UpdateIncident(ctx, engine.API, "nope", engine.IncidentPatch{Name: ptr("X")}))
			}},
			{"incident patch: empty name", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateIncident(ctx, engine.API, inc.ID, engine.IncidentPatch{Name: ptr("")}))
			}},
			{"incident patch: bad impact", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateIncident(ctx, engine.API, inc.ID, engine.IncidentPatch{Postmortem: ptr("x"), Impact: ptr("severe")}))
			}},
			// Maintenances.
			{"maintenance: no start", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", ScheduledUntil: now}))
			}},
			{"maintenance: no end", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", ScheduledFor: now}))
			}},
			{"maintenance: ends before it starts", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", ScheduledFor: now, ScheduledUntil: now}))
			}},
			{"maintenance: bad status", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", Status: "started",
					ScheduledFor: now, ScheduledUntil: now.Add(time.Hour)}))
			}},
			{"maintenance: unknown component", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", Status: "in_progress",
					ScheduledFor: now, ScheduledUntil: now.Add(time.Hour), Components: []string{"api", "nope"}}))
			}},
			{"maintenance: component listed twice", watchfire.EINVALID, func() error {
				return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", Status: "in_progress",
					ScheduledFor: now, ScheduledUntil: now.Add(time.Hour), Components: []string{"api", "api"}}))
			}},
			{"maintenance: unknown page", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{PageID: "nope", Name: "X",
					ScheduledFor: now, ScheduledUntil: now.Add(time.Hour)}))
			}},
			{"maintenance update: unknown maintenance", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.AddMaintenanceUpdate(ctx, engine.API, "nope", engine.MaintenanceUpdateInput{Status: "in_progress"}))
			}},
			{"maintenance update: bad status", watchfire.EINVALID, func() error {
				return ignore(e.eng.AddMaintenanceUpdate(ctx, engine.API, mnt.ID, engine.MaintenanceUpdateInput{Status: "done"}))
			}},
			{"maintenance update: says nothing", watchfire.EINVALID, func() error {
				return ignore(e.eng.AddMaintenanceUpdate(ctx, engine.API, mnt.ID, engine.MaintenanceUpdateInput{Status: "scheduled"}))
			}},
			{"maintenance patch: unknown maintenance", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.UpdateMaintenance(ctx, engine.API, "nope", engine.MaintenancePatch{Name: ptr("X")}))
			}},
			{"maintenance patch: window inverted", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateMaintenance(ctx, engine.API, mnt.ID, engine.MaintenancePatch{ScheduledUntil: ptr(mnt.ScheduledFor.Add(-time.Minute))}))
			}},
			{"maintenance patch: unknown component", watchfire.ENOTFOUND, func() error {
				return ignore(e.eng.UpdateMaintenance(ctx, engine.API, mnt.ID, engine.MaintenancePatch{Components: &[]string{"nope"}}))
			}},
			{"maintenance patch: empty name", watchfire.EINVALID, func() error {
				return ignore(e.eng.UpdateMaintenance(ctx, engine.API, mnt.ID, engine.MaintenancePatch{Name: ptr(" ")}))
			}},
			// Tokens.
			{"token: no name", watchfire.EINVALID, func() error {
				_, _, err := e.eng.CreateToken(ctx, "")
				return err
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { e.fail(t, tt.code, tt.cmd) })
		}
	})
}

// TestCommandsNeedAPage checks that incidents and maintenances cannot be
// filed before any page exists, and that trying leaves nothing behind.
func TestCommandsNeedAPage(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.run(t, engine.API, func() error {
			return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "api", Name: "API"}))
		})
		e.fail(t, watchfire.ECONFLICT, func() error {
			return ignore(e.eng.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X",
				Components: []engine.AffectedInput{{ComponentID: "api", Status: "major_outage"}}}))
		})
		e.fail(t, watchfire.ECONFLICT, func() error {
			return ignore(e.eng.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", Status: "in_progress",
				ScheduledFor: e.clock.Now(), ScheduledUntil: e.clock.Now().Add(time.Hour), Components: []string{"api"}}))
		})
	})
}

// failingEvents is a store whose transactions make every write but fail
// to append events.
type failingEvents struct{ store.Store }

var errAppend = errors.New("event log unavailable")

func (s failingEvents) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Update(ctx, func(tx store.Tx) error { return fn(failingEventsTx{tx}) })
}

type failingEventsTx struct{ store.Tx }

func (failingEventsTx) AppendEvent(context.Context, *watchfire.Event) error { return errAppend }

// TestEventsShareTheCommandsTransaction checks that a change and its
// events commit together: when the events cannot be written, neither is
// the change.
func TestEventsShareTheCommandsTransaction(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		e.configure(t)
		broken := engine.New(failingEvents{e.db}, e.hub, e.clock.Now, nil)
		cmds := []struct {
			name string
			cmd  func() error
		}{
			{"CreateComponent", func() error {
				return ignore(broken.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "x", Name: "X", GroupName: "New"}))
			}},
			{"UpdateComponent", func() error {
				return ignore(broken.UpdateComponent(ctx, engine.API, "api", engine.ComponentPatch{Name: ptr("Renamed"), Status: ptr("major_outage")}))
			}},
			{"DeleteComponent", func() error { return broken.DeleteComponent(ctx, engine.API, "db") }},
			{"CreateIncident", func() error {
				return ignore(broken.CreateIncident(ctx, engine.API, engine.IncidentInput{Name: "X",
					Components: []engine.AffectedInput{{ComponentID: "api", Status: "major_outage"}}}))
			}},
			{"CreateMaintenance", func() error {
				return ignore(broken.CreateMaintenance(ctx, engine.API, engine.MaintenanceInput{Name: "X", Status: "in_progress",
					ScheduledFor: e.clock.Now(), ScheduledUntil: e.clock.Now().Add(time.Hour), Components: []string{"cache"}}))
			}},
			{"Apply", func() error {
				d := fixture()
				d.Components[0].Name = "Renamed"
				d.Pages[0].Name = "Renamed"
				return broken.Apply(ctx, d)
			}},
		}
		for _, tt := range cmds {
			t.Run(tt.name, func(t *testing.T) {
				e.fail(t, watchfire.EINTERNAL, func() error {
					err := tt.cmd()
					if !errors.Is(err, errAppend) {
						t.Errorf("error %v, want the store's", err)
					}
					return err
				})
			})
		}
	})
}
