package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

// fakeLive answers streams with a marker, or refuses them with err.
type fakeLive struct{ err error }

func (f fakeLive) ServeSSE(w http.ResponseWriter, r *http.Request) error {
	if f.err != nil {
		return f.err
	}
	w.Header().Set("Content-Type", "text/event-stream")
	_, _ = w.Write([]byte("retry: 2000\n\n"))
	return nil
}

func (f fakeLive) ServeWS(w http.ResponseWriter, r *http.Request) error {
	if f.err != nil {
		return f.err
	}
	_, _ = w.Write([]byte("ws"))
	return nil
}

func liveServer(t *testing.T, l LiveStreams) http.Handler {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return New(Deps{Store: db, Snapshots: snapshot.NewBuilder(db, nil, time.Now), Live: l}).Handler()
}

func serve(h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// GET /api/v1/events is the JSON list unless the client accepts an event
// stream; the stream is never gzipped.
func TestEventsNegotiatesTheStream(t *testing.T) {
	h := liveServer(t, fakeLive{})
	for _, tc := range []struct {
		method, accept string
		stream         bool
	}{
		{"GET", "", false},
		{"GET", "application/json", false},
		{"GET", "*/*", false},
		{"HEAD", "text/event-stream", false},
		{"GET", "text/event-stream", true},
		{"GET", "Text/Event-Stream;q=1, application/json;q=0.5", true},
	} {
		w := serve(h, tc.method, "/api/v1/events", "Accept", tc.accept, "Accept-Encoding", "gzip")
		ct := w.Header().Get("Content-Type")
		if w.Code != 200 || (ct == "text/event-stream") != tc.stream {
			t.Errorf("%s Accept %q: %d %s, want stream %v", tc.method, tc.accept, w.Code, ct, tc.stream)
		}
		if tc.stream && (w.Header().Get("Content-Encoding") != "" || w.Body.String() != "retry: 2000\n\n") {
			t.Errorf("stream went through a wrapper: %v %q", w.Header(), w.Body)
		}
		if !tc.stream && tc.method == "GET" && !strings.HasPrefix(w.Body.String(), `{"events":[`) {
			t.Errorf("Accept %q: body %q, want the list", tc.accept, w.Body)
		}
		if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Accept") {
			t.Errorf("Accept %q: Vary %v, want Accept", tc.accept, w.Header().Values("Vary"))
		}
	}
	if w := serve(h, "GET", "/api/v1/ws"); w.Body.String() != "ws" {
		t.Errorf("/api/v1/ws: %d %q", w.Code, w.Body)
	}
}

// A refused stream answers in the API's error format.
func TestRefusedStreamIsAJSONError(t *testing.T) {
	h := liveServer(t, fakeLive{err: watchfire.Errorf(watchfire.EUNAVAILABLE, "too many live streams")})
	for _, path := range []string{"/api/v1/events", "/api/v1/ws"} {
		w := serve(h, "GET", path, "Accept", "text/event-stream")
		var body errorBody
		if w.Code != 503 || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error.Code != "unavailable" {
			t.Errorf("%s: %d %s", path, w.Code, w.Body)
		}
	}
}

// Without a broadcaster the list still answers and /api/v1/ws is a 404.
func TestNoLiveStreams(t *testing.T) {
	h := liveServer(t, nil)
	if w := serve(h, "GET", "/api/v1/events", "Accept", "text/event-stream"); w.Code != 200 ||
		!strings.HasPrefix(w.Body.String(), `{"events":[`) {
		t.Errorf("events: %d %s", w.Code, w.Body)
	}
	if w := serve(h, "GET", "/api/v1/ws"); w.Code != 404 || !strings.Contains(w.Body.String(), `"not_found"`) {
		t.Errorf("ws: %d %s", w.Code, w.Body)
	}
}
