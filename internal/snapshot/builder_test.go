package snapshot_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

// fakeStore serves a settable state through LoadState and can be told to
// fail it. The builder uses no other method.
type fakeStore struct {
	store.Store // nil: any other method panics

	mu       sync.Mutex
	state    watchfire.State
	failures int // LoadState fails this many more times
	loads    int // LoadState calls, failed ones included
}

var errDown = watchfire.Errorf(watchfire.EUNAVAILABLE, "the database is down")

func newFakeStore(lastEventID int64) *fakeStore {
	f := &fakeStore{}
	f.set(lastEventID)
	return f
}

func (f *fakeStore) LoadState(ctx context.Context) (*watchfire.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	if f.failures > 0 {
		f.failures--
		return nil, errDown
	}
	st := f.state
	return &st, nil
}

// set makes the store hold a state whose newest event is lastEventID.
func (f *fakeStore) set(lastEventID int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = watchfire.State{
		Pages:       []watchfire.Page{page("main", "", "", 1)},
		Components:  []watchfire.Component{{ID: "api", Name: "API", Status: watchfire.StatusOperational}},
		LastEventID: lastEventID,
		UpdatedAt:   built.Add(time.Duration(lastEventID) * time.Minute),
	}
}

func (f *fakeStore) fail(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = n
}

func (f *fakeStore) loadCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loads
}

// logs records what the builder logs.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newLogger() (*slog.Logger, *logs) {
	l := &logs{}
	return slog.New(slog.NewTextHandler(l, nil)), l
}

func events(ids ...int64) []watchfire.Event {
	out := make([]watchfire.Event, len(ids))
	for i, id := range ids {
		out[i] = watchfire.Event{ID: id, Kind: watchfire.KindComponentStatusChanged}
	}
	return out
}

// TestOnCommitReloadsOnlyForNewEvents checks that a commit the current
// snapshot already covers does not reload the state.
func TestOnCommitReloadsOnlyForNewEvents(t *testing.T) {
	tests := []struct {
		name       string
		batch      []watchfire.Event
		wantReload bool
	}{
		{"an older event", events(3), false},
		{"the newest event covered", events(4, 5), false},
		{"one newer event", events(6), true},
		{"a batch ending with a newer event", events(5, 6, 7), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeStore(5)
			log, _ := newLogger()
			b := snapshot.NewBuilder(fs, log, nil)
			if err := b.Refresh(t.Context()); err != nil {
				t.Fatal(err)
			}
			before := b.Current()
			fs.set(7)
			b.OnCommit(t.Context(), tt.batch)
			reloaded := fs.loadCount() == 2
			if reloaded != tt.wantReload {
				t.Errorf("OnCommit(ids up to %d) with the snapshot at 5: reloaded %v, want %v",
					tt.batch[len(tt.batch)-1].ID, reloaded, tt.wantReload)
			}
			if swapped := b.Current() != before; swapped != tt.wantReload {
				t.Errorf("snapshot swapped: %v, want %v", swapped, tt.wantReload)
			}
			if tt.wantReload && b.Current().State.LastEventID != 7 {
				t.Errorf("snapshot LastEventID = %d after the reload, want 7", b.Current().State.LastEventID)
			}
		})
	}

	t.Run("before the first refresh", func(t *testing.T) {
		fs := newFakeStore(0)
		log, _ := newLogger()
		b := snapshot.NewBuilder(fs, log, nil)
		b.OnCommit(t.Context(), events(1))
		if fs.loadCount() != 1 || b.Current() == nil {
			t.Errorf("OnCommit before any snapshot: %d loads, snapshot %v; want one load and a snapshot", fs.loadCount(), b.Current())
		}
	})
}

// TestFailedRefreshKeepsTheSnapshot makes rebuilds fail in the ways they
// can, and checks that the previous snapshot stays current.
func TestFailedRefreshKeepsTheSnapshot(t *testing.T) {
	t.Run("the store fails", func(t *testing.T) {
		fs := newFakeStore(1)
		log, logged := newLogger()
		b := snapshot.NewBuilder(fs, log, nil)
		if err := b.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		first := b.Current()
		fs.set(2)
		fs.fail(2)
		if err := b.Refresh(t.Context()); !errors.Is(err, errDown) {
			t.Errorf("Refresh = %v, want the store's error", err)
		}
		b.OnCommit(t.Context(), events(2)) // errors are logged, not returned
		if b.Current() != first {
			t.Error("a failed rebuild replaced the snapshot")
		}
		if out := logged.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "event_id=2") {
			t.Errorf("OnCommit's failure was not logged as an error naming the event: %q", out)
		}
		b.OnCommit(t.Context(), events(2)) // the store is back: the same commit is retried
		if b.Current() == first || b.Current().State.LastEventID != 2 {
			t.Error("a commit after the store recovered did not rebuild the snapshot")
		}
	})

	t.Run("the store is closed", func(t *testing.T) {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "w.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		log, _ := newLogger()
		b := snapshot.NewBuilder(db, log, nil)
		if err := b.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		first := b.Current()
		db.Close()
		if err := b.Refresh(t.Context()); err == nil {
			t.Error("Refresh on a closed store succeeded")
		}
		b.OnCommit(t.Context(), events(1))
		if b.Current() != first {
			t.Error("a failed rebuild replaced the snapshot")
		}
	})

	t.Run("a page cannot be rendered", func(t *testing.T) {
		fs := newFakeStore(1)
		log, _ := newLogger()
		b := snapshot.NewBuilder(fs, log, nil)
		if err := b.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		first := b.Current()
		fs.mu.Lock()
		fs.state.Pages[0].TimeZone = "Nowhere/Atlantis"
		fs.state.LastEventID = 2
		fs.mu.Unlock()
		if err := b.Refresh(t.Context()); watchfire.ErrorCode(err) != watchfire.EINVALID {
			t.Errorf("Refresh = %v, want the renderer's EINVALID", err)
		}
		if b.Current() != first {
			t.Error("a failed rebuild replaced the snapshot")
		}
	})
}

// TestRunRetriesFailedRebuilds checks, in a bubble with a fake clock, that
// Run retries a failed rebuild every second until it succeeds, then stops
// retrying; and that it returns when its context is cancelled.
func TestRunRetriesFailedRebuilds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fs := newFakeStore(1)
		log, _ := newLogger()
		b := snapshot.NewBuilder(fs, log, time.Now)
		if err := b.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		first := b.Current()

		fs.set(2)
		fs.fail(3)                         // the commit's rebuild and two retries fail
		b.OnCommit(t.Context(), events(2)) // load 2 fails

		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			b.Run(ctx, time.Hour) // no resync during the test
		}()

		for _, want := range []struct {
			after     time.Duration
			loads     int
			refreshed bool
		}{
			{500 * time.Millisecond, 2, false},
			{time.Second, 3, false},     // first retry fails
			{time.Second, 4, false},     // second retry fails
			{time.Second, 5, true},      // third succeeds
			{10 * time.Second, 5, true}, // nothing failed: no more loads
		} {
			time.Sleep(want.after)
			synctest.Wait()
			if got := fs.loadCount(); got != want.loads {
				t.Fatalf("after %v: %d loads, want %d", want.after, got, want.loads)
			}
			if refreshed := b.Current() != first; refreshed != want.refreshed {
				t.Fatalf("after %v: snapshot refreshed %v, want %v", want.after, refreshed, want.refreshed)
			}
		}
		if got := b.Current().State.LastEventID; got != 2 {
			t.Errorf("LastEventID = %d after the retry, want 2", got)
		}

		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("Run did not return after its context was cancelled")
		}
	})
}

// TestRunResyncs checks that Run reloads every resync period even when no
// commit arrives, so that another replica's changes show up.
func TestRunResyncs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fs := newFakeStore(1)
		log, _ := newLogger()
		b := snapshot.NewBuilder(fs, log, time.Now)
		if err := b.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		start := time.Now()
		go func() {
			defer close(done)
			b.Run(ctx, 15*time.Second)
		}()

		fs.set(9) // committed elsewhere: no OnCommit here
		time.Sleep(14 * time.Second)
		synctest.Wait()
		if b.Current().State.LastEventID != 1 || fs.loadCount() != 1 {
			t.Fatalf("before the resync period: LastEventID %d, %d loads; want 1 and 1", b.Current().State.LastEventID, fs.loadCount())
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if b.Current().State.LastEventID != 9 || fs.loadCount() != 2 {
			t.Fatalf("after the resync period: LastEventID %d, %d loads; want 9 and 2", b.Current().State.LastEventID, fs.loadCount())
		}
		if want := start.Add(15 * time.Second); !b.Current().BuiltAt.Equal(want) {
			t.Errorf("BuiltAt = %v, want the builder's clock at the resync, %v", b.Current().BuiltAt, want)
		}

		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("Run did not return after its context was cancelled")
		}
	})
}

// TestRunStopsWhenCancelled runs on the real clock, outside a bubble, so
// that a Run that ignores its context fails here instead of hanging a
// bubble.
func TestRunStopsWhenCancelled(t *testing.T) {
	fs := newFakeStore(1)
	log, _ := newLogger()
	b := snapshot.NewBuilder(fs, log, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx, time.Hour)
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of its context being cancelled")
	}
}

// TestRunStopsWhileFailing checks that cancelling Run while rebuilds keep
// failing stops it too.
func TestRunStopsWhileFailing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fs := newFakeStore(1)
		fs.fail(1000)
		log, _ := newLogger()
		b := snapshot.NewBuilder(fs, log, time.Now)
		if err := b.Refresh(t.Context()); err == nil {
			t.Fatal("Refresh succeeded on a failing store")
		}
		if b.Current() != nil {
			t.Fatal("a snapshot exists although no rebuild succeeded")
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			b.Run(ctx, time.Minute)
		}()
		time.Sleep(5500 * time.Millisecond)
		synctest.Wait()
		if got := fs.loadCount(); got != 6 {
			t.Errorf("%d loads after 5.5 s of failures, want 6 (one retry a second)", got)
		}
		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("Run did not return after its context was cancelled")
		}
	})
}
