package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

func testEmptyState(t *testing.T, s store.Store) {
	before := time.Now()
	st := mustLoadState(t, s)
	if n := len(st.Pages) + len(st.Groups) + len(st.Components) + len(st.Incidents) + len(st.Maintenances); n != 0 {
		t.Errorf("empty store: LoadState returned %d objects, want none", n)
	}
	if st.LastEventID != 0 || !st.UpdatedAt.IsZero() {
		t.Errorf("empty store: LastEventID = %d, UpdatedAt = %v; want 0 and zero", st.LastEventID, st.UpdatedAt)
	}
	if st.LoadedAt.Before(before.Add(-time.Second)) || st.LoadedAt.Location() != time.UTC {
		t.Errorf("LoadedAt = %v, want about now, in UTC", st.LoadedAt)
	}
	if events := mustEvents(t, s, watchfire.EventFilter{}); len(events) != 0 {
		t.Errorf("empty store: %d events, want none", len(events))
	}
}

func testComponentRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	components := []*watchfire.Component{
		fullComponent("full"),
		plainComponent("plain", "Plain", 0), // "" statuses, nil StartDate, false flags
	}
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, c := range components {
			if err := tx.CreateComponent(ctx, c); err != nil {
				return err
			}
			got, err := tx.GetComponent(ctx, c.ID)
			if err != nil {
				return err
			}
			assertEqual(t, "GetComponent in the creating transaction", *got, *c)
		}
		return nil
	})
	mustUpdate(t, s, func(tx store.Tx) error {
		for _, c := range components {
			got, err := tx.GetComponent(ctx, c.ID)
			if err != nil {
				return err
			}
			assertEqual(t, "GetComponent after commit", *got, *c)
		}
		return nil
	})
	st := mustLoadState(t, s)
	assertEqual(t, "LoadState components", st.Components, []watchfire.Component{*components[1], *components[0]})
}

func testComponentUpdateAndDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error { return tx.CreateComponent(ctx, fullComponent("api")) })

	// Every field changes, including to empty and nil.
	changed := &watchfire.Component{
		ID:          "api",
		Name:        "API Gateway",
		Description: "",
		Position:    7,
		Status:      watchfire.StatusOperational,
		CreatedAt:   at(-5),
		UpdatedAt:   at(30),
	}
	mustUpdate(t, s, func(tx store.Tx) error { return tx.UpdateComponent(ctx, changed) })
	mustUpdate(t, s, func(tx store.Tx) error {
		got, err := tx.GetComponent(ctx, "api")
		if err != nil {
			return err
		}
		assertEqual(t, "component after UpdateComponent", *got, *changed)
		return nil
	})

	mustUpdate(t, s, func(tx store.Tx) error { return tx.DeleteComponent(ctx, "api") })
	err := s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.GetComponent(ctx, "api")
		return err
	})
	assertCode(t, "GetComponent after DeleteComponent", err, watchfire.ENOTFOUND)
	if st := mustLoadState(t, s); len(st.Components) != 0 {
		t.Errorf("LoadState after DeleteComponent: %d components, want 0", len(st.Components))
	}
}

func testDeleteReferencedComponent(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident("inc", watchfire.IncidentIdentified, at(0))
	inc.Components = []watchfire.AffectedComponent{
		{ComponentID: "api", Name: "API Gateway", NewStatus: watchfire.StatusMajorOutage},
	}
	m := newMaintenance("mnt", watchfire.MaintenanceScheduled, at(60))
	m.Components = []string{"api"}
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateComponent(ctx, plainComponent("api", "API Gateway", 0)); err != nil {
			return err
		}
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		return tx.CreateMaintenance(ctx, m)
	})
	mustUpdate(t, s, func(tx store.Tx) error { return tx.DeleteComponent(ctx, "api") })

	st := mustLoadState(t, s)
	if len(st.Incidents) != 1 || len(st.Maintenances) != 1 {
		t.Fatalf("after deleting the component: %d incidents, %d maintenances; want 1 and 1",
			len(st.Incidents), len(st.Maintenances))
	}
	assertEqual(t, "incident components after deleting the component", st.Incidents[0].Components, inc.Components)
	assertEqual(t, "maintenance components after deleting the component", st.Maintenances[0].Components, m.Components)
}

// inTx adapts a transaction step to a store-level operation.
func inTx(fn func(ctx context.Context, tx store.Tx) error) func(context.Context, store.Store) error {
	return func(ctx context.Context, s store.Store) error {
		return s.Update(ctx, func(tx store.Tx) error { return fn(ctx, tx) })
	}
}

func testNotFound(t *testing.T, s store.Store) {
	update := newUpdate("u1", "missing", "investigating", at(0), at(0))
	tests := []struct {
		name string
		op   func(context.Context, store.Store) error
	}{
		{"GetComponent", inTx(func(ctx context.Context, tx store.Tx) error {
			_, err := tx.GetComponent(ctx, "missing")
			return err
		})},
		{"UpdateComponent", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateComponent(ctx, plainComponent("missing", "Missing", 0))
		})},
		{"DeleteComponent", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.DeleteComponent(ctx, "missing")
		})},
		{"GetIncident", inTx(func(ctx context.Context, tx store.Tx) error {
			_, err := tx.GetIncident(ctx, "missing")
			return err
		})},
		{"UpdateIncident", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateIncident(ctx, newIncident("missing", watchfire.IncidentResolved, at(0)))
		})},
		{"AddIncidentUpdate", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.AddIncidentUpdate(ctx, &update)
		})},
		{"GetMaintenance", inTx(func(ctx context.Context, tx store.Tx) error {
			_, err := tx.GetMaintenance(ctx, "missing")
			return err
		})},
		{"UpdateMaintenance", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateMaintenance(ctx, newMaintenance("missing", watchfire.MaintenanceCompleted, at(0)))
		})},
		{"AddMaintenanceUpdate", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.AddMaintenanceUpdate(ctx, &update)
		})},
		{"TouchToken", func(ctx context.Context, s store.Store) error {
			return s.TouchToken(ctx, "missing", at(0))
		}},
		{"TokenByHash", func(ctx context.Context, s store.Store) error {
			_, err := s.TokenByHash(ctx, "no-such-hash")
			return err
		}},
		{"Dependency", func(ctx context.Context, s store.Store) error {
			_, err := s.Dependency(ctx, "missing")
			return err
		}},
		{"GetDependency", inTx(func(ctx context.Context, tx store.Tx) error {
			_, err := tx.GetDependency(ctx, "missing")
			return err
		})},
		{"DeleteDependency", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.DeleteDependency(ctx, "missing")
		})},
		{"UpsertDependencyIncidents", inTx(func(ctx context.Context, tx store.Tx) error {
			return tx.UpsertDependencyIncidents(ctx, "missing", []watchfire.UpstreamIncident{upstreamIncident("i1", at(0))})
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op(t.Context(), s)
			assertCode(t, tt.name, err, watchfire.ENOTFOUND)
			if msg := watchfire.ErrorMessage(err); !strings.Contains(msg, "not found") {
				t.Errorf("%s: message %q does not say what was not found", tt.name, msg)
			}
		})
	}
}

func testConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateComponent(ctx, plainComponent("api", "API", 0)); err != nil {
			return err
		}
		inc := newIncident("inc", watchfire.IncidentInvestigating, at(0))
		inc.Updates = []watchfire.IncidentUpdate{newUpdate("inc-u1", "inc", "investigating", at(0), at(0))}
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		if err := tx.CreateMaintenance(ctx, newMaintenance("mnt", watchfire.MaintenanceScheduled, at(0))); err != nil {
			return err
		}
		return tx.CreateToken(ctx, newToken("tok", "deploy", "hash-deploy"))
	})

	tests := []struct {
		name        string
		write       func(ctx context.Context, tx store.Tx) error
		wantMessage string // a part of the message
	}{
		{"component id", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateComponent(ctx, plainComponent("api", "Another API", 1))
		}, `"api"`},
		{"incident id", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateIncident(ctx, newIncident("inc", watchfire.IncidentResolved, at(5)))
		}, `"inc"`},
		{"incident update id", func(ctx context.Context, tx store.Tx) error {
			u := newUpdate("inc-u1", "inc", "resolved", at(5), at(5))
			return tx.AddIncidentUpdate(ctx, &u)
		}, `"inc-u1"`},
		{"maintenance id", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateMaintenance(ctx, newMaintenance("mnt", watchfire.MaintenanceCompleted, at(5)))
		}, `"mnt"`},
		{"token name", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateToken(ctx, newToken("tok2", "deploy", "hash-other"))
		}, `"deploy"`},
		{"token hash", func(ctx context.Context, tx store.Tx) error {
			return tx.CreateToken(ctx, newToken("tok3", "ci", "hash-deploy"))
		}, "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(t.Context(), func(tx store.Tx) error { return tt.write(t.Context(), tx) })
			assertCode(t, "duplicate "+tt.name, err, watchfire.ECONFLICT)
			if msg := watchfire.ErrorMessage(err); !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("duplicate %s: message %q does not contain %s", tt.name, msg, tt.wantMessage)
			}
		})
	}
}
