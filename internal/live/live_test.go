package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/live"
	"github.com/watchfire-status/watchfire/internal/store"
)

const wait = 5 * time.Second

// A committed event reaches an SSE stream and a WebSocket as the very
// bytes GET /api/v1/events lists it with.
func TestLiveEventsAreTheListsBytes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{}, nil)
		f.commitN(3) // history the live streams must not replay
		// Streams are never compressed, whatever the client accepts.
		s := f.sse(t, "", "Accept-Encoding", "gzip")
		if h := s.resp.Header; h.Get("Content-Type") != "text/event-stream" || h.Get("Cache-Control") != "no-cache" ||
			h.Get("X-Accel-Buffering") != "no" || h.Get("Content-Encoding") != "" {
			t.Fatalf("SSE headers: %v", h)
		}
		if fr, _ := s.next(wait); fr.retry != "2000" {
			t.Fatalf("first frame = %+v, want retry: 2000", fr)
		}
		w := f.ws(t, "")
		waitStreams(t, f.b, 2)

		e := f.commit(ev("p1", "api"))[0]
		fr := s.event(wait)
		msg := w.event(wait)
		if fr.id != idOf(e) || fr.event != "" {
			t.Fatalf("SSE frame %+v, want id %d and no event line", fr, e.ID)
		}
		resp, err := f.get(t, "/api/v1/events?limit=1")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var list struct{ Events []json.RawMessage }
		if err := json.Unmarshal(body, &list); err != nil || len(list.Events) != 1 {
			t.Fatalf("list: %v %s", err, body)
		}
		if fr.data != string(list.Events[0]) || string(msg) != string(list.Events[0]) {
			t.Fatalf("bytes differ:\nSSE  %s\nWS   %s\nlist %s", fr.data, msg, list.Events[0])
		}
		var got live.EventJSON
		if err := json.Unmarshal(msg, &got); err != nil {
			t.Fatal(err)
		}
		if got.Kind != "component.status_changed" || got.ComponentID != "api" || got.ReceivedAt.Location() != time.UTC ||
			!strings.Contains(fr.data, `"product":"Acme <Cloud>"`) || !strings.Contains(fr.data, `"received_at":"`+e.ReceivedAt.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)) {
			t.Fatalf("event JSON: %s", fr.data)
		}
	})
}

// A reconnecting client gets every event after its Last-Event-ID, from the
// store and then live, once each and in order, while commits go on.
func TestReplayHasNoGapAndNoDuplicate(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		for _, ring := range []int{0, 16} { // the default ring, and one that overflows under the load
			t.Run("ring"+strconv.Itoa(ring), func(t *testing.T) {
				f := newFixture(t, db, live.Options{RingSize: ring}, nil)
				first := f.commit(batch(1200)...) // more than two pages of replay
				from := first[99].ID

				var wg sync.WaitGroup
				var last int64
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 300 {
						last = f.commit(ev("p1", "c1"))[0].ID
						time.Sleep(time.Millisecond)
					}
				}()
				time.Sleep(20 * time.Millisecond)
				s := f.sse(t, "", "Last-Event-ID", strconv.FormatInt(from, 10))
				w := f.ws(t, "?last_event_id="+strconv.FormatInt(from, 10))
				wg.Wait()

				want := f.storedIDs(from)
				if len(want) != 1100+300 || want[len(want)-1] != last {
					t.Fatalf("store holds %d events after %d, want 1400 ending at %d", len(want), from, last)
				}
				for i, id := range want {
					fr := s.event(wait)
					if fr.id != strconv.FormatInt(id, 10) {
						t.Fatalf("SSE event %d: id %q, want %d", i, fr.id, id)
					}
					var m struct{ ID int64 }
					if err := json.Unmarshal(w.event(wait), &m); err != nil || m.ID != id {
						t.Fatalf("WebSocket event %d: id %d (%v), want %d", i, m.ID, err, id)
					}
				}
				// And nothing more: the next one is the next commit.
				next := f.commit(ev("p1", "c1"))[0]
				if fr := s.event(wait); fr.id != idOf(next) {
					t.Fatalf("after the replay: id %s, want %d", fr.id, next.ID)
				}
			})
		}
	})
}

// Idle streams get heartbeats: an SSE "heartbeat" event, a WebSocket
// heartbeat message (and pings, which the client answers by reading).
func TestHeartbeats(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{Heartbeat: 50 * time.Millisecond}, nil)
		s := f.sse(t, "")
		w := f.ws(t, "")
		s.next(wait) // retry
		for range 3 {
			fr, _ := s.next(wait)
			var hb struct{ Kind, Time string }
			if fr.event != "heartbeat" || fr.id != "" || json.Unmarshal([]byte(fr.data), &hb) != nil || hb.Kind != "heartbeat" {
				t.Fatalf("frame %+v, want a heartbeat", fr)
			}
			if _, err := time.Parse(time.RFC3339, hb.Time); err != nil || !strings.HasSuffix(hb.Time, "Z") {
				t.Fatalf("heartbeat time %q: %v", hb.Time, err)
			}
			m, _ := w.next(wait)
			if err := json.Unmarshal(m, &hb); err != nil || hb.Kind != "heartbeat" {
				t.Fatalf("WebSocket message %s, want a heartbeat", m)
			}
		}
		// Pings answered, the stream still delivers.
		e := f.commit(ev("p1", "c1"))[0]
		if fr := s.event(wait); fr.id != idOf(e) {
			t.Fatalf("after heartbeats: %+v", fr)
		}
		if m := w.event(wait); !bytes.Contains(m, []byte(`"id":`+idOf(e)+`,`)) {
			t.Fatalf("after heartbeats: %s", m)
		}
	})
}

// A stream the ring has moved past (here: one commit of more events than
// the ring holds) gets the gap from the store.
func TestFallingOffTheRingFillsFromTheStore(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{RingSize: 8}, nil)
		s := f.sse(t, "")
		w := f.ws(t, "")
		waitStreams(t, f.b, 2)
		events := f.commit(batch(100)...)
		for i, e := range events {
			if fr := s.event(wait); fr.id != idOf(e) {
				t.Fatalf("SSE event %d: id %s, want %d", i, fr.id, e.ID)
			}
			if m := w.event(wait); !bytes.HasPrefix(m, []byte(`{"id":`+idOf(e)+`,`)) {
				t.Fatalf("WebSocket event %d: %.40s, want id %d", i, m, e.ID)
			}
		}
		e := f.commit(ev("p1", "c1"))[0]
		if fr := s.event(wait); fr.id != idOf(e) {
			t.Fatalf("back on the ring: id %s, want %d", fr.id, e.ID)
		}
	})
}

// Too far behind, a stream gets a resync (with the id to resume from)
// instead of the gap, then goes on live.
func TestResync(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{RingSize: 8, MaxReplay: 20}, nil)
		old := f.commit(batch(50)...)
		newest := old[len(old)-1]

		check := func(s *sseStream, w *wsStream, resumeAt int64) {
			t.Helper()
			fr := s.event(wait)
			if fr.event != "resync" || fr.data != `{"kind":"resync"}` || fr.id != strconv.FormatInt(resumeAt, 10) {
				t.Fatalf("SSE frame %+v, want a resync with id %d", fr, resumeAt)
			}
			if m := w.event(wait); string(m) != `{"kind":"resync","last_event_id":`+strconv.FormatInt(resumeAt, 10)+`}` {
				t.Fatalf("WebSocket message %s, want a resync", m)
			}
		}
		// Resuming from far back; and from an id this database never had.
		for _, from := range []int64{old[0].ID, newest.ID + 1000} {
			s := f.sse(t, "?last_event_id="+strconv.FormatInt(from, 10))
			w := f.ws(t, "?last_event_id="+strconv.FormatInt(from, 10))
			check(s, w, newest.ID)
			e := f.commit(ev("p1", "c1"))[0]
			newest = e
			if fr := s.event(wait); fr.id != idOf(e) {
				t.Fatalf("after the resync: %+v, want id %d", fr, e.ID)
			}
			w.event(wait)
		}
		// Falling behind live by more than MaxReplay.
		s := f.sse(t, "")
		w := f.ws(t, "")
		waitStreams(t, f.b, 6)
		burst := f.commit(batch(30)...)
		check(s, w, burst[len(burst)-1].ID)
		e := f.commit(ev("p1", "c1"))[0]
		if fr := s.event(wait); fr.id != idOf(e) {
			t.Fatalf("after the resync: %+v, want id %d", fr, e.ID)
		}
	})
}

// last_event_id=0, as a page rendered from an empty event log sends it,
// replays the whole log.
func TestResumeFromZero(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{}, nil)
		events := f.commitN(3)
		s := f.sse(t, "?last_event_id=0")
		for _, e := range append(events, f.commit(ev("p1", "c1"))...) {
			if fr := s.event(wait); fr.id != idOf(e) {
				t.Fatalf("id %s, want %d", fr.id, e.ID)
			}
		}
	})
}

// ?page_id= keeps that page's events and those of no page; ?component=
// keeps that component's; both live and in a replay.
func TestFilters(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{}, nil)
		mixed := func() []watchfire.Event {
			return []watchfire.Event{ev("p1", "a"), ev("p2", "b"), ev("", ""), ev("p1", "b"), ev("p2", "a")}
		}
		f.commit(ev("p3", "c"))
		before := f.commit(mixed()...)
		from := strconv.FormatInt(before[0].ID-1, 10)
		page := f.sse(t, "?page_id=p1&last_event_id="+from)
		comp := f.sse(t, "?component=b", "Last-Event-ID", from)
		wsPage := f.ws(t, "?page_id=p1&last_event_id="+from)
		after := f.commit(mixed()...)
		for _, set := range [][]watchfire.Event{before, after} {
			for _, i := range []int{0, 2, 3} {
				if fr := page.event(wait); fr.id != idOf(set[i]) {
					t.Fatalf("page filter: id %s, want %d (%+v)", fr.id, set[i].ID, set[i])
				}
				if m := wsPage.event(wait); !bytes.HasPrefix(m, []byte(`{"id":`+idOf(set[i])+`,`)) {
					t.Fatalf("page filter over WebSocket: %.30s, want id %d", m, set[i].ID)
				}
			}
			for _, i := range []int{1, 3} {
				if fr := comp.event(wait); fr.id != idOf(set[i]) {
					t.Fatalf("component filter: id %s, want %d", fr.id, set[i].ID)
				}
			}
		}
	})
}

// ?provider= and ?source= keep the events of one third-party provider or
// one source, live and in a replay, over SSE and WebSocket.
func TestProviderAndSourceFilters(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{}, nil)
		from := func(source watchfire.EventSource, provider string) watchfire.Event {
			e := ev("p1", "c1")
			e.Source, e.Provider = source, provider
			return e
		}
		mixed := func() []watchfire.Event {
			return []watchfire.Event{from(watchfire.SourceWebhook, "atlassian"), from(watchfire.SourcePoller, "incidentio"),
				from(watchfire.SourceProbe, ""), from(watchfire.SourcePoller, "atlassian")}
		}
		before := f.commit(mixed()...)
		last := strconv.FormatInt(before[0].ID-1, 10)
		byProvider := f.sse(t, "?provider=atlassian&last_event_id="+last)
		bySource := f.ws(t, "?source=poller&last_event_id="+last)
		after := f.commit(mixed()...)
		for _, set := range [][]watchfire.Event{before, after} {
			for _, i := range []int{0, 3} {
				if fr := byProvider.event(wait); fr.id != idOf(set[i]) {
					t.Fatalf("provider filter: id %s, want %d", fr.id, set[i].ID)
				}
			}
			for _, i := range []int{1, 3} {
				if m := bySource.event(wait); !bytes.HasPrefix(m, []byte(`{"id":`+idOf(set[i])+`,`)) {
					t.Fatalf("source filter over WebSocket: %.30s, want id %d", m, set[i].ID)
				}
			}
		}
	})
}

// Past MaxStreams, a stream request gets the API's JSON 503.
func TestStreamCap(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{MaxStreams: 2}, nil)
		s := f.sse(t, "")
		f.ws(t, "")
		waitStreams(t, f.b, 2)
		for _, path := range []string{"/api/v1/events", "/api/v1/ws"} {
			resp, err := f.get(t, path, "Accept", "text/event-stream", "Connection", "Upgrade", "Upgrade", "websocket",
				"Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var e struct {
				Error struct{ Code, Message string }
			}
			if resp.StatusCode != http.StatusServiceUnavailable || json.Unmarshal(body, &e) != nil || e.Error.Code != "unavailable" ||
				resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("%s over the cap: %d %s", path, resp.StatusCode, body)
			}
		}
		// The JSON list is not a stream and is not capped.
		resp, err := f.get(t, "/api/v1/events")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("list over the cap: %d", resp.StatusCode)
		}
		s.close()
		waitStreams(t, f.b, 1)
		f.sse(t, "")
	})
}

// Streams live longer than the server's ReadTimeout and WriteTimeout.
func TestStreamsOutliveServerTimeouts(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{Heartbeat: 100 * time.Millisecond}, func(s *http.Server) {
			s.ReadTimeout, s.WriteTimeout = 200*time.Millisecond, 300*time.Millisecond
		})
		s := f.sse(t, "")
		w := f.ws(t, "")
		waitStreams(t, f.b, 2)
		time.Sleep(time.Second)
		e := f.commit(ev("p1", "c1"))[0]
		if fr := s.event(wait); fr.id != idOf(e) {
			t.Fatalf("SSE after the timeouts: %+v", fr)
		}
		if m := w.event(wait); !bytes.HasPrefix(m, []byte(`{"id":`+idOf(e)+`,`)) {
			t.Fatalf("WebSocket after the timeouts: %s", m)
		}
		if n := f.b.Streams(); n != 2 {
			t.Fatalf("%d streams open, want 2", n)
		}
	})
}

// The server answers a client's pings however long ago it last wrote: the
// per-write deadline does not outlive the write.
func TestWebSocketAnswersPingsBetweenWrites(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{WriteTimeout: 100 * time.Millisecond}, nil)
		w := f.ws(t, "")
		waitStreams(t, f.b, 1)
		f.commit(ev("p1", "c1"))
		w.event(wait)
		time.Sleep(300 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := w.c.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		e := f.commit(ev("p1", "c1"))[0]
		if m := w.event(wait); !bytes.HasPrefix(m, []byte(`{"id":`+idOf(e)+`,`)) {
			t.Fatalf("after the ping: %s", m)
		}
	})
}

// Shutdown ends the streams at once instead of waiting for them.
func TestShutdownEndsStreams(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{}, nil)
		s := f.sse(t, "")
		w := f.ws(t, "")
		waitStreams(t, f.b, 2)
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := f.srv.Config.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		f.b.Close() // Shutdown started it; this waits for the WebSocket too
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("shutdown took %v", d)
		}
		for {
			fr, ok := s.next(wait)
			if !ok {
				break
			}
			if fr.retry == "" {
				t.Fatalf("unexpected frame %+v", fr)
			}
		}
		for {
			if _, ok := w.next(wait); !ok {
				break
			}
		}
		if st := websocket.CloseStatus(w.err); st != websocket.StatusGoingAway {
			t.Fatalf("WebSocket closed with %v, want going away", w.err)
		}
		if n := f.b.Streams(); n != 0 {
			t.Fatalf("%d streams left", n)
		}
	})
}

// A client that stops reading is dropped once a write stalls past the
// write timeout.
func TestStuckClientIsDropped(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{WriteTimeout: 200 * time.Millisecond}, nil)
		conn, err := net.Dial("tcp", f.srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.(*net.TCPConn).SetReadBuffer(4096)
		if _, err := io.WriteString(conn, "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		waitStreams(t, f.b, 1)
		big := ev("p1", "c1")
		big.Message = strings.Repeat("x", 64<<10)
		deadline := time.Now().Add(30 * time.Second)
		for f.b.Streams() > 0 {
			if time.Now().After(deadline) {
				t.Fatal("a client that reads nothing is still streamed to")
			}
			f.commit(big, big, big, big)
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func waitStreams(t *testing.T, b *live.Broadcaster, n int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for b.Streams() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d streams open, want %d", b.Streams(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A bad Last-Event-ID is a 400 in the API's error format.
func TestBadLastEventID(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{}, nil)
		for _, path := range []string{"/api/v1/events?last_event_id=x", "/api/v1/ws?last_event_id=-1"} {
			resp, err := f.get(t, path, "Accept", "text/event-stream")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 400 || !strings.Contains(string(body), `"code":"invalid"`) {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
		}
	})
}

// The JSON list stays a list, whatever else asks for the same path.
func TestListIsStillAList(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db store.Store) {
		f := newFixture(t, db, live.Options{}, nil)
		e := f.commit(ev("p1", "c1"))[0]
		for _, accept := range []string{"", "application/json", "*/*"} {
			resp, err := f.get(t, "/api/v1/events", "Accept", accept)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var list struct{ Events []live.EventJSON }
			if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil || len(list.Events) != 1 || list.Events[0].ID != e.ID {
				t.Fatalf("Accept %q: %d %s", accept, resp.StatusCode, body)
			}
			if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept") {
				t.Fatalf("Accept %q: Vary = %v, want Accept", accept, resp.Header.Values("Vary"))
			}
		}
	})
}
