package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/engine"
)

// TestApply applies configurations one after the other and checks the
// events each one emits and what the store then holds.
func TestApply(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		apply := func(edit func(d *engine.Desired)) func() error {
			return func() error {
				d := fixture()
				if edit != nil {
					edit(&d)
				}
				return e.eng.Apply(ctx, d)
			}
		}
		steps := []struct {
			name      string
			origin    engine.Origin
			cmd       func() error
			wantKinds []watchfire.EventKind
			wantIDs   []string // component ids of the component events, in order
			check     func(t *testing.T, st *watchfire.State)
		}{
			{"first apply creates everything", configOrigin, apply(nil),
				[]watchfire.EventKind{watchfire.KindPageUpdated, watchfire.KindGroupUpdated, watchfire.KindComponentCreated,
					watchfire.KindComponentCreated, watchfire.KindComponentCreated},
				[]string{"api", "db", "cache"},
				func(t *testing.T, st *watchfire.State) {
					if len(st.Pages) != 1 || len(st.Groups) != 1 || len(st.Components) != 3 {
						t.Errorf("stored %d pages, %d groups, %d components; want 1, 1, 3", len(st.Pages), len(st.Groups), len(st.Components))
					}
					for _, c := range st.Components {
						if c.Status != op || c.ManualStatus != "" {
							t.Errorf("component %s: status %q, manual %q; want operational and none", c.ID, c.Status, c.ManualStatus)
						}
					}
				}},
			{"the same config again changes nothing", configOrigin, apply(nil), []watchfire.EventKind{}, []string{}, nil},
			{"renaming a component", configOrigin, apply(func(d *engine.Desired) { d.Components[1].Name = "Primary Database" }),
				[]watchfire.EventKind{watchfire.KindComponentUpdated}, []string{"db"},
				func(t *testing.T, st *watchfire.State) {
					if got := st.Component("db").Name; got != "Primary Database" {
						t.Errorf("db is named %q", got)
					}
				}},
			{"the renamed config again changes nothing", configOrigin,
				apply(func(d *engine.Desired) { d.Components[1].Name = "Primary Database" }), []watchfire.EventKind{}, []string{}, nil},
			{"changing the page and the group", configOrigin, apply(func(d *engine.Desired) {
				d.Components[1].Name = "Primary Database"
				d.Pages[0].Components = []string{"api", "db"}
				d.Groups[0].Description = "What everything runs on"
			}), []watchfire.EventKind{watchfire.KindPageUpdated, watchfire.KindGroupUpdated}, []string{}, nil},
			{"the API creates a component", engine.API, func() error {
				return ignore(e.eng.CreateComponent(ctx, engine.API, engine.ComponentInput{ID: "search", Name: "Search"}))
			}, []watchfire.EventKind{watchfire.KindComponentCreated}, []string{"search"}, nil},
			{"the API sets a manual status", engine.API, func() error {
				return ignore(e.eng.UpdateComponent(ctx, engine.API, "api", engine.ComponentPatch{Status: ptr("partial_outage")}))
			}, []watchfire.EventKind{watchfire.KindComponentStatusChanged}, []string{"api"}, nil},
			{"apply keeps the API's component and manual status", configOrigin, apply(func(d *engine.Desired) {
				d.Components[1].Name = "Primary Database"
				d.Pages[0].Components = []string{"api", "db"}
				d.Groups[0].Description = "What everything runs on"
				d.Components[0].Description = "Public REST API"
			}), []watchfire.EventKind{watchfire.KindComponentUpdated}, []string{"api"},
				func(t *testing.T, st *watchfire.State) {
					if st.Component("search") == nil {
						t.Error("Apply deleted the component created through the API")
					}
					if api := st.Component("api"); api.Status != part || api.ManualStatus != part || api.Description != "Public REST API" {
						t.Errorf("api after Apply: status %q, manual %q, description %q; want the override kept and the description applied",
							api.Status, api.ManualStatus, api.Description)
					}
				}},
			// The page and group go back to the fixture's.
			{"a config without a component does not delete it", configOrigin, func() error {
				d := fixture()
				d.Components = d.Components[:1]
				d.Components[0].Description = "Public REST API"
				return e.eng.Apply(ctx, d)
			}, []watchfire.EventKind{watchfire.KindPageUpdated, watchfire.KindGroupUpdated}, []string{},
				func(t *testing.T, st *watchfire.State) {
					if len(st.Components) != 4 {
						t.Errorf("%d components after applying a config naming one, want all 4 kept", len(st.Components))
					}
				}},
		}
		for _, step := range steps {
			ok := t.Run(step.name, func(t *testing.T) {
				events := e.run(t, step.origin, step.cmd)
				if got := kinds(events); !slices.Equal(got, step.wantKinds) {
					t.Fatalf("events %v, want %v", got, step.wantKinds)
				}
				ids := []string{}
				for _, ev := range events {
					if ev.ComponentID != "" {
						ids = append(ids, ev.ComponentID)
					}
				}
				if !slices.Equal(ids, step.wantIDs) {
					t.Errorf("component events for %v, want %v", ids, step.wantIDs)
				}
				if step.check != nil {
					step.check(t, e.loadState(t))
				}
			})
			if !ok {
				break
			}
		}
	})
}

// TestApplyIsIdempotentWithStartDates checks that a config whose
// components have a start date can be applied again without change.
func TestApplyIsIdempotentWithStartDates(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		desired := func() engine.Desired {
			d := fixture()
			d.Components[0].StartDate = ptr(time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC))
			return d
		}
		e.run(t, configOrigin, func() error { return e.eng.Apply(ctx, desired()) })
		if events := e.run(t, configOrigin, func() error { return e.eng.Apply(ctx, desired()) }); len(events) != 0 {
			t.Errorf("applying the same config again emitted %v", describe(events))
		}
	})
}
