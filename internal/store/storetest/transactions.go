package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

func testUpdateReturnsFnError(t *testing.T, s store.Store) {
	ctx := t.Context()
	decided := errors.New("the engine refused")
	wrapped := fmt.Errorf("applying config: %w", decided)
	err := s.Update(ctx, func(tx store.Tx) error { return wrapped })
	if err != wrapped || !errors.Is(err, decided) {
		t.Errorf("Update returned %v, want fn's error unchanged", err)
	}

	domainErr := watchfire.Errorf(watchfire.EINVALID, "bad input")
	err = s.Update(ctx, func(tx store.Tx) error { return domainErr })
	if err != domainErr {
		t.Errorf("Update returned %v, want fn's domain error unchanged", err)
	}
}

func testUpdateRollsBackOnError(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := writeOneOfEach(t.Context(), tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want boom", err)
	}
	assertNothingWritten(t, s)
}

func testUpdateRollsBackOnPanic(t *testing.T, s store.Store) {
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want Update to re-panic with fn's value", r)
			}
		}()
		err := s.Update(t.Context(), func(tx store.Tx) error {
			if err := writeOneOfEach(t.Context(), tx); err != nil {
				return err
			}
			panic("boom")
		})
		t.Errorf("Update returned %v instead of re-panicking", err)
	}()
	assertNothingWritten(t, s)

	// The store is still usable: the panic did not leave a transaction open.
	mustUpdate(t, s, func(tx store.Tx) error { return writeOneOfEach(t.Context(), tx) })
	if st := mustLoadState(t, s); len(st.Components) != 1 {
		t.Errorf("after a panic, a new Update wrote %d components, want 1", len(st.Components))
	}
}

func testLoadLiveSeesOwnWrites(t *testing.T, s store.Store) {
	ctx := t.Context()
	var eventID int64
	mustUpdate(t, s, func(tx store.Tx) error {
		if err := writeOneOfEach(ctx, tx); err != nil {
			return err
		}
		e := newEvent(at(1), watchfire.SourceAPI, "", "main")
		if err := tx.AppendEvent(ctx, e); err != nil {
			return err
		}
		eventID = e.ID

		live, err := tx.LoadLive(ctx)
		if err != nil {
			return err
		}
		if len(live.Pages) != 1 || len(live.Groups) != 1 || len(live.Components) != 1 ||
			len(live.Incidents) != 1 || len(live.Maintenances) != 1 {
			t.Errorf("LoadLive inside the transaction: %d pages, %d groups, %d components, %d incidents, "+
				"%d maintenances; want 1 of each", len(live.Pages), len(live.Groups), len(live.Components),
				len(live.Incidents), len(live.Maintenances))
		}
		if live.LastEventID != e.ID {
			t.Errorf("LoadLive LastEventID = %d, want the event just appended, %d", live.LastEventID, e.ID)
		}

		outside, err := s.LoadState(ctx) // another connection: sees committed data only
		if err != nil {
			return err
		}
		if len(outside.Components) != 0 || len(outside.Incidents) != 0 || outside.LastEventID != 0 {
			t.Errorf("LoadState outside the transaction sees uncommitted writes: %d components, "+
				"%d incidents, LastEventID %d", len(outside.Components), len(outside.Incidents), outside.LastEventID)
		}
		if events, err := s.Events(ctx, watchfire.EventFilter{}); err != nil || len(events) != 0 {
			t.Errorf("Events outside the transaction = %d events, %v; want none", len(events), err)
		}
		return nil
	})
	st := mustLoadState(t, s)
	if len(st.Components) != 1 || st.LastEventID != eventID {
		t.Errorf("after commit: %d components, LastEventID %d; want 1 and %d", len(st.Components), st.LastEventID, eventID)
	}
}

func testConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	const writers, commitsPerWriter, eventsPerCommit = 8, 10, 2
	mustUpdate(t, s, func(tx store.Tx) error { return tx.CreateComponent(ctx, plainComponent("counter", "Counter", 0)) })

	var (
		mu      sync.Mutex
		commits [][]int64 // event ids of each commit
		wg      sync.WaitGroup
		errs    = make(chan error, writers)
	)
	for w := range writers {
		wg.Go(func() {
			for range commitsPerWriter {
				var ids []int64
				err := s.Update(ctx, func(tx store.Tx) error {
					ids = nil
					// Read, decide, write: lost updates show if writes interleave.
					c, err := tx.GetComponent(ctx, "counter")
					if err != nil {
						return err
					}
					c.Position++
					if err := tx.UpdateComponent(ctx, c); err != nil {
						return err
					}
					for range eventsPerCommit {
						e := newEvent(at(w), watchfire.SourceProbe, "", "")
						if err := tx.AppendEvent(ctx, e); err != nil {
							return err
						}
						ids = append(ids, e.ID)
					}
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
				mu.Lock()
				commits = append(commits, ids)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	// Serialized commits own disjoint, increasing ranges of ids.
	slices.SortFunc(commits, func(a, b []int64) int { return cmp.Compare(a[0], b[0]) })
	var last int64
	for _, ids := range commits {
		for _, id := range ids {
			if id <= last {
				t.Fatalf("event ids of concurrent commits overlap or repeat: %v", commits)
			}
			last = id
		}
	}

	mustUpdate(t, s, func(tx store.Tx) error {
		c, err := tx.GetComponent(ctx, "counter")
		if err != nil {
			return err
		}
		if want := writers * commitsPerWriter; c.Position != want {
			t.Errorf("counter = %d after %d read-modify-write commits: writes were not serialized", c.Position, want)
		}
		return nil
	})
	events := mustEvents(t, s, watchfire.EventFilter{Limit: store.MaxEventLimit})
	if want := writers * commitsPerWriter * eventsPerCommit; len(events) != want {
		t.Errorf("Events listed %d events, want %d", len(events), want)
	}
}
