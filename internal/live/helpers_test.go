package live_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/hub"
	"github.com/watchfire-status/watchfire/internal/live"
	"github.com/watchfire-status/watchfire/internal/server"
	"github.com/watchfire-status/watchfire/internal/snapshot"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/postgres"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

// No stream may outlive its test: a handler that misses the end of its
// client, or the broadcaster's Close, leaves a goroutine behind.
func TestMain(m *testing.M) {
	// Events are committed in local time; the wire must say UTC anyway.
	time.Local = time.FixedZone("UTC-3", -3*60*60)
	goleak.VerifyTestMain(m)
}

// eachStore runs fn on SQLite, and on PostgreSQL when
// WATCHFIRE_TEST_POSTGRES is set.
func eachStore(t *testing.T, fn func(t *testing.T, db store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "live.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		fn(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := storetest.PostgresDSN(t)
		db, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		fn(t, db)
	})
}

// fixture is a Watchfire HTTP server on loopback with a broadcaster on a
// hub, and a writer that commits events the way the engine does.
type fixture struct {
	t      *testing.T
	db     store.Store
	hub    *hub.Hub
	b      *live.Broadcaster
	srv    *httptest.Server
	client *http.Client
	mu     sync.Mutex // commits publish in commit order
}

func newFixture(t *testing.T, db store.Store, o live.Options, tweak func(*http.Server)) *fixture {
	t.Helper()
	o.Store = db
	f := &fixture{t: t, db: db, hub: hub.New(), b: live.New(o)}
	f.hub.OnCommit(f.b.OnCommit)
	s := server.New(server.Deps{Store: db, Snapshots: snapshot.NewBuilder(db, nil, time.Now), Live: f.b})
	f.srv = httptest.NewUnstartedServer(s.Handler())
	f.srv.Config.RegisterOnShutdown(f.b.Close)
	if tweak != nil {
		tweak(f.srv.Config)
	}
	f.srv.Start()
	tr := &http.Transport{DisableCompression: true}
	f.client = &http.Client{Transport: tr}
	t.Cleanup(func() {
		f.b.Close()
		f.srv.Close()
		tr.CloseIdleConnections()
	})
	return f
}

// ev is an event on a page and a component.
func ev(page, component string) watchfire.Event {
	return watchfire.Event{Source: watchfire.SourceAPI, PageID: page, Product: "Acme <Cloud>", ComponentID: component,
		ComponentName: strings.ToUpper(component), Kind: watchfire.KindComponentStatusChanged,
		OldStatus: "operational", NewStatus: "major_outage", Message: "Status set by an operator & co."}
}

// commit writes the events in one transaction and publishes them as one
// batch, as the engine does. It returns them with their ids.
func (f *fixture) commit(events ...watchfire.Event) []watchfire.Event {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	ctx := context.Background()
	now := time.Now()
	err := f.db.Update(ctx, func(tx store.Tx) error {
		for i := range events {
			events[i].ReceivedAt, events[i].OccurredAt = now, now.Add(-time.Second)
			if err := tx.AppendEvent(ctx, &events[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Errorf("commit: %v", err)
		return nil
	}
	f.hub.Publish(ctx, events)
	return events
}

// commitN commits n events on page p1, component c1, one per transaction.
func (f *fixture) commitN(n int) []watchfire.Event {
	var out []watchfire.Event
	for range n {
		out = append(out, f.commit(ev("p1", "c1"))...)
	}
	return out
}

// batch is n events on page p1, component c1.
func batch(n int) []watchfire.Event {
	out := make([]watchfire.Event, n)
	for i := range out {
		out[i] = ev("p1", "c1")
	}
	return out
}

// storedIDs lists the ids of every stored event after `after`, ascending.
func (f *fixture) storedIDs(after int64) []int64 {
	f.t.Helper()
	var ids []int64
	for {
		events, err := f.db.Events(context.Background(), watchfire.EventFilter{AfterID: after, Limit: 1000})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, e := range events {
			ids = append(ids, e.ID)
			after = e.ID
		}
		if len(events) < 1000 {
			return ids
		}
	}
}

// frame is one server-sent event block.
type frame struct {
	event, id, data, retry string
}

// sseStream reads an SSE response frame by frame.
type sseStream struct {
	t      *testing.T
	resp   *http.Response
	frames chan frame
	stop   chan struct{}
	exited chan struct{}
	once   sync.Once
}

// sse opens GET /api/v1/events?query with Accept: text/event-stream and
// the extra header pairs; it fails the test unless the stream starts.
func (f *fixture) sse(t *testing.T, query string, header ...string) *sseStream {
	t.Helper()
	resp, err := f.get(t, "/api/v1/events"+query, append([]string{"Accept", "text/event-stream"}, header...)...)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("SSE request: %d %s", resp.StatusCode, body)
	}
	s := &sseStream{t: t, resp: resp, frames: make(chan frame, 4096), stop: make(chan struct{}), exited: make(chan struct{})}
	go s.read()
	t.Cleanup(s.close)
	return s
}

func (f *fixture) get(t *testing.T, path string, header ...string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest("GET", f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.client.Do(req)
}

func (s *sseStream) read() {
	defer close(s.exited)
	defer close(s.frames)
	sc := bufio.NewScanner(s.resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var fr frame
	seen := false
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if seen {
				select {
				case s.frames <- fr:
				case <-s.stop:
					return
				}
			}
			fr, seen = frame{}, false
			continue
		}
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimPrefix(v, " ")
		switch k {
		case "event":
			fr.event = v
		case "id":
			fr.id = v
		case "data":
			if fr.data != "" {
				fr.data += "\n"
			}
			fr.data += v
		case "retry":
			fr.retry = v
		default:
			s.t.Errorf("unexpected SSE line %q", line)
		}
		seen = true
	}
}

func (s *sseStream) close() {
	s.once.Do(func() {
		close(s.stop)
		s.resp.Body.Close()
		<-s.exited
	})
}

// next returns the next frame; ok is false when the stream ended.
func (s *sseStream) next(d time.Duration) (fr frame, ok bool) {
	s.t.Helper()
	select {
	case fr, ok = <-s.frames:
		return fr, ok
	case <-time.After(d):
		s.t.Fatalf("no SSE frame within %v", d)
		return frame{}, false
	}
}

// event returns the next frame that is not a heartbeat.
func (s *sseStream) event(d time.Duration) frame {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		fr, ok := s.next(time.Until(deadline))
		if !ok {
			s.t.Fatal("the SSE stream ended")
		}
		if fr.event != "heartbeat" && fr.retry == "" {
			return fr
		}
	}
}

// wsStream reads WebSocket messages in the background, as a browser does:
// reading is also what answers the server's pings.
type wsStream struct {
	t        *testing.T
	c        *websocket.Conn
	messages chan []byte
	stop     chan struct{}
	exited   chan struct{}
	err      error // why reading stopped; read after messages is closed
}

func (f *fixture) ws(t *testing.T, query string) *wsStream {
	t.Helper()
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/api/v1/ws" + query
	c, resp, err := websocket.Dial(context.Background(), url, &websocket.DialOptions{HTTPClient: f.client,
		HTTPHeader: http.Header{"Origin": {"https://elsewhere.example"}}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("WebSocket dial: %v (status %d)", err, status)
	}
	s := &wsStream{t: t, c: c, messages: make(chan []byte, 4096), stop: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(s.exited)
		defer close(s.messages)
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				s.err = err
				return
			}
			select {
			case s.messages <- data:
			case <-s.stop:
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(s.stop)
		c.CloseNow()
		<-s.exited
	})
	return s
}

func (s *wsStream) next(d time.Duration) ([]byte, bool) {
	s.t.Helper()
	select {
	case m, ok := <-s.messages:
		return m, ok
	case <-time.After(d):
		s.t.Fatalf("no WebSocket message within %v", d)
		return nil, false
	}
}

// event returns the next message that is not a heartbeat.
func (s *wsStream) event(d time.Duration) []byte {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		m, ok := s.next(time.Until(deadline))
		if !ok {
			s.t.Fatalf("the WebSocket stream ended: %v", s.err)
		}
		if !strings.HasPrefix(string(m), `{"kind":"heartbeat"`) {
			return m
		}
	}
}

func idOf(e watchfire.Event) string { return fmt.Sprint(e.ID) }
