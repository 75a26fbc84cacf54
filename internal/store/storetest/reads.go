package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// The tests in this file cover Store.Incident and Store.Maintenance: reads
// of one object, however old, outside any write transaction.

// testIncidentOutsideHistory checks that an incident too old for
// LoadState's history window is still read whole: fields, every update in
// timeline order, every affected component in order.
func testIncidentOutsideHistory(t *testing.T, s store.Store) {
	ctx := t.Context()
	old, wantUpdates := fullIncident()
	old.Status = watchfire.IncidentPostmortem
	old.StartedAt, old.CreatedAt = at(-10003), at(-10000) // older than every other closed incident
	old.ResolvedAt = ptr(at(-9000))
	want := *old
	want.Updates = wantUpdates

	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateIncident(ctx, old); err != nil {
			return err
		}
		for i := range store.HistoryLimit {
			if err := tx.CreateIncident(ctx, newIncident(id("closed", i), watchfire.IncidentResolved, at(i))); err != nil {
				return err
			}
		}
		return nil
	})
	// Without this the test would pass against a store that reads from the
	// history window.
	if st := mustLoadState(t, s); st.Incident(old.ID) != nil {
		t.Fatalf("LoadState returned incident %q, which is older than its %d newest closed incidents; "+
			"the test no longer checks a read beyond the history window", old.ID, store.HistoryLimit)
	}

	got, err := s.Incident(ctx, old.ID)
	if err != nil {
		t.Fatalf("Incident(%q): %v", old.ID, err)
	}
	assertEqual(t, "Incident beyond the history window", *got, want)

	// An incident in the window reads the same way.
	got, err = s.Incident(ctx, id("closed", 7))
	if err != nil {
		t.Fatalf("Incident(%q): %v", id("closed", 7), err)
	}
	assertEqual(t, "Incident in the history window", *got, *newIncident(id("closed", 7), watchfire.IncidentResolved, at(7)))
}

// testMaintenanceOutsideHistory is testIncidentOutsideHistory for
// maintenances.
func testMaintenanceOutsideHistory(t *testing.T, s store.Store) {
	ctx := t.Context()
	scheduled := newUpdate("m-u1", "mnt", "scheduled", at(-20000), at(-20000))
	started := newUpdate("m-u2", "mnt", "in_progress", at(-10000), at(-10000),
		watchfire.AffectedComponent{ComponentID: "db", Name: "Database", OldStatus: watchfire.StatusOperational,
			NewStatus: watchfire.StatusUnderMaintenance},
		watchfire.AffectedComponent{ComponentID: "api", Name: "API", OldStatus: watchfire.StatusDegradedPerformance,
			NewStatus: watchfire.StatusUnderMaintenance})
	// Same display time as started but created later: it sorts first.
	done := newUpdate("m-u0", "mnt", "completed", at(-10000), at(-9900))
	done.DeliverNotifications = true
	old := &watchfire.Maintenance{
		ID:             "mnt",
		PageID:         "main",
		Name:           "Database upgrade",
		Status:         watchfire.MaintenanceCompleted,
		Components:     []string{"db", "api", "cache"},
		Updates:        []watchfire.IncidentUpdate{started, done, scheduled},
		ScheduledFor:   at(-10000),
		ScheduledUntil: at(-9880),
		StartedAt:      ptr(at(-10000)),
		CompletedAt:    ptr(at(-9900)),
		CreatedAt:      at(-20000),
		UpdatedAt:      at(-9900),
	}
	want := *old
	want.Updates = []watchfire.IncidentUpdate{done, started, scheduled}

	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateMaintenance(ctx, old); err != nil {
			return err
		}
		for i := range store.HistoryLimit {
			if err := tx.CreateMaintenance(ctx, newMaintenance(id("completed", i), watchfire.MaintenanceCompleted, at(i))); err != nil {
				return err
			}
		}
		return nil
	})
	if st := mustLoadState(t, s); st.Maintenance(old.ID) != nil {
		t.Fatalf("LoadState returned maintenance %q, which is older than its %d newest completed ones; "+
			"the test no longer checks a read beyond the history window", old.ID, store.HistoryLimit)
	}

	got, err := s.Maintenance(ctx, old.ID)
	if err != nil {
		t.Fatalf("Maintenance(%q): %v", old.ID, err)
	}
	assertEqual(t, "Maintenance beyond the history window", *got, want)
}

func testReadNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateIncident(ctx, newIncident("inc", watchfire.IncidentInvestigating, at(0))); err != nil {
			return err
		}
		return tx.CreateMaintenance(ctx, newMaintenance("mnt", watchfire.MaintenanceScheduled, at(0)))
	})
	incident := func(id string) func() error {
		return func() error { _, err := s.Incident(ctx, id); return err }
	}
	maintenance := func(id string) func() error {
		return func() error { _, err := s.Maintenance(ctx, id); return err }
	}
	tests := []struct {
		name string
		read func() error
		id   string // must appear in the message
	}{
		{"unknown incident", incident("missing"), "missing"},
		{"unknown maintenance", maintenance("missing"), "missing"},
		{"incident named by a maintenance id", incident("mnt"), "mnt"},
		{"maintenance named by an incident id", maintenance("inc"), "inc"},
		{"empty incident id", incident(""), ""},
		{"empty maintenance id", maintenance(""), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read()
			assertCode(t, tt.name, err, watchfire.ENOTFOUND)
			if msg := watchfire.ErrorMessage(err); !strings.Contains(msg, "not found") || !strings.Contains(msg, `"`+tt.id+`"`) {
				t.Errorf("%s: message %q does not say that %q was not found", tt.name, msg, tt.id)
			}
		})
	}
}

// testReadsSeeOnlyCommitted checks that Incident and Maintenance read
// committed data: not the writes of a transaction still open, nor those of
// one rolled back.
func testReadsSeeOnlyCommitted(t *testing.T, s store.Store) {
	ctx := t.Context()
	committedInc := newIncident("inc", watchfire.IncidentInvestigating, at(0))
	committedInc.Components = []watchfire.AffectedComponent{{ComponentID: "api", Name: "API", NewStatus: watchfire.StatusMajorOutage}}
	committedInc.Updates = []watchfire.IncidentUpdate{newUpdate("inc-u1", "inc", "investigating", at(0), at(0))}
	committedM := newMaintenance("mnt", watchfire.MaintenanceScheduled, at(60))
	committedM.Components = []string{"api"}
	committedM.Updates = []watchfire.IncidentUpdate{newUpdate("mnt-u1", "mnt", "scheduled", at(0), at(0))}
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateIncident(ctx, committedInc); err != nil {
			return err
		}
		return tx.CreateMaintenance(ctx, committedM)
	})

	// What the open transaction writes, and what it leaves after commit.
	changedInc := *committedInc
	changedInc.Name, changedInc.Status, changedInc.ResolvedAt = "Renamed", watchfire.IncidentResolved, ptr(at(30))
	changedInc.Components = []watchfire.AffectedComponent{{ComponentID: "api", Name: "API", NewStatus: watchfire.StatusOperational}}
	changedInc.Updates = nil
	incUpdate := newUpdate("inc-u2", "inc", "resolved", at(30), at(30))
	changedM := *committedM
	changedM.Status, changedM.StartedAt, changedM.Components = watchfire.MaintenanceInProgress, ptr(at(60)), []string{"api", "db"}
	changedM.Updates = nil
	mUpdate := newUpdate("mnt-u2", "mnt", "in_progress", at(60), at(60))
	newInc := newIncident("new-inc", watchfire.IncidentIdentified, at(40))
	newM := newMaintenance("new-mnt", watchfire.MaintenanceScheduled, at(90))

	// checkCommitted reads every object from outside the transaction.
	checkCommitted := func(when string, wantInc *watchfire.Incident, wantM *watchfire.Maintenance, newVisible bool) {
		t.Helper()
		got, err := s.Incident(ctx, "inc")
		if err != nil {
			t.Errorf("%s: Incident: %v", when, err)
		} else {
			assertEqual(t, when+": Incident", *got, *wantInc)
		}
		gotM, err := s.Maintenance(ctx, "mnt")
		if err != nil {
			t.Errorf("%s: Maintenance: %v", when, err)
		} else {
			assertEqual(t, when+": Maintenance", *gotM, *wantM)
		}
		_, errInc := s.Incident(ctx, newInc.ID)
		_, errM := s.Maintenance(ctx, newM.ID)
		wantCode := watchfire.ENOTFOUND
		if newVisible {
			wantCode = ""
		}
		assertCode(t, when+": Incident created in the transaction", errInc, wantCode)
		assertCode(t, when+": Maintenance created in the transaction", errM, wantCode)
	}

	write := func(tx store.Tx) error {
		for _, step := range []func() error{
			func() error { return tx.UpdateIncident(ctx, &changedInc) },
			func() error { return tx.AddIncidentUpdate(ctx, &incUpdate) },
			func() error { return tx.UpdateMaintenance(ctx, &changedM) },
			func() error { return tx.AddMaintenanceUpdate(ctx, &mUpdate) },
			func() error { return tx.CreateIncident(ctx, newInc) },
			func() error { return tx.CreateMaintenance(ctx, newM) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	}

	// Rolled back: nothing of it is ever visible.
	rollback := errors.New("rolled back on purpose")
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("Update returned %v, want the rollback error", err)
	}
	checkCommitted("after a rollback", committedInc, committedM, false)

	// Open: reads from outside see the state before it.
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		checkCommitted("while a write transaction is open", committedInc, committedM, false)
		return nil
	})

	// Committed: everything is visible.
	wantInc := changedInc
	wantInc.Updates = append([]watchfire.IncidentUpdate{incUpdate}, committedInc.Updates...)
	wantM := changedM
	wantM.Updates = append([]watchfire.IncidentUpdate{mUpdate}, committedM.Updates...)
	checkCommitted("after commit", &wantInc, &wantM, true)
	if got, err := s.Incident(ctx, newInc.ID); err == nil {
		assertEqual(t, "incident created by the committed transaction", *got, *newInc)
	}
	if got, err := s.Maintenance(ctx, newM.ID); err == nil {
		assertEqual(t, "maintenance created by the committed transaction", *got, *newM)
	}
}

// testReadsAreUTC checks that the one-object reads convert times to UTC,
// as LoadState does.
func testReadsAreUTC(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc, _ := fullIncident()
	inc.ResolvedAt = ptr(at(90))
	m := newMaintenance("mnt", watchfire.MaintenanceCompleted, at(60))
	m.StartedAt, m.CompletedAt = ptr(at(61)), ptr(at(62).Add(time.Second))
	m.Updates = []watchfire.IncidentUpdate{newUpdate("mnt-u1", "mnt", "completed", at(62), at(62))}
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		return tx.CreateMaintenance(ctx, m)
	})
	gotInc, err := s.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertUTC(t, "Incident", gotInc)
	gotM, err := s.Maintenance(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	assertUTC(t, "Maintenance", gotM)
}

// testReadsAreConsistent reads an incident and a maintenance while another
// goroutine keeps rewriting them, each commit changing the object's name,
// its components and its timeline together. A read must see all of one
// commit: a name from one commit with the updates of another is a torn
// read.
func testReadsAreConsistent(t *testing.T, s store.Store) {
	ctx := t.Context()
	const commits = 100
	version := func(n int) string { return fmt.Sprintf("v%03d", n) }
	inc := newIncident("inc", watchfire.IncidentInvestigating, at(0))
	m := newMaintenance("mnt", watchfire.MaintenanceInProgress, at(0))
	rewrite := func(tx store.Tx, n int) error {
		inc.Name = version(n)
		inc.Components = []watchfire.AffectedComponent{{ComponentID: "api", Name: version(n), NewStatus: watchfire.StatusMajorOutage}}
		m.Name, m.Components = version(n), []string{version(n)}
		iu := newUpdate("inc-"+version(n), "inc", "investigating", at(n), at(n))
		mu := newUpdate("mnt-"+version(n), "mnt", "in_progress", at(n), at(n))
		if n == 1 {
			inc.Updates, m.Updates = []watchfire.IncidentUpdate{iu}, []watchfire.IncidentUpdate{mu}
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			return tx.CreateMaintenance(ctx, m)
		}
		for _, write := range []func() error{
			func() error { return tx.AddIncidentUpdate(ctx, &iu) },
			func() error { return tx.UpdateIncident(ctx, inc) },
			func() error { return tx.AddMaintenanceUpdate(ctx, &mu) },
			func() error { return tx.UpdateMaintenance(ctx, m) },
		} {
			if err := write(); err != nil {
				return err
			}
		}
		return nil
	}
	mustUpdate(t, s, func(tx store.Tx) error { return rewrite(tx, 1) })

	done := make(chan error, 1)
	go func() {
		for n := 2; n <= commits; n++ {
			if err := s.Update(ctx, func(tx store.Tx) error { return rewrite(tx, n) }); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	var torn []string
	for reading := true; reading; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("writer: %v", err)
			}
			reading = false
		default:
		}
		gotInc, err := s.Incident(ctx, "inc")
		if err != nil {
			t.Fatalf("Incident: %v", err)
		}
		if want := version(len(gotInc.Updates)); gotInc.Name != want || len(gotInc.Components) != 1 || gotInc.Components[0].Name != want {
			torn = append(torn, fmt.Sprintf("incident %s with %d updates and components %+v", gotInc.Name, len(gotInc.Updates), gotInc.Components))
		}
		gotM, err := s.Maintenance(ctx, "mnt")
		if err != nil {
			t.Fatalf("Maintenance: %v", err)
		}
		if want := version(len(gotM.Updates)); gotM.Name != want || len(gotM.Components) != 1 || gotM.Components[0] != want {
			torn = append(torn, fmt.Sprintf("maintenance %s with %d updates and components %v", gotM.Name, len(gotM.Updates), gotM.Components))
		}
	}
	if len(torn) > 0 {
		t.Errorf("%d torn reads, e.g. %s", len(torn), torn[0])
	}
}
