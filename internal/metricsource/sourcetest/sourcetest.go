// Package sourcetest holds what the metric sources' tests share: a fake
// server that records the last request, and assertions.
package sourcetest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/watchfire-status/watchfire/internal/metricsource"
)

// Fake answers GET requests on one path with a fixed JSON body and records
// the last request.
type Fake struct {
	path   string
	mu     sync.Mutex
	req    *http.Request
	status int
	body   string
}

// Serve starts a fake on path; it stops when the test ends.
func Serve(t *testing.T, path string, status int, body string) (*Fake, *httptest.Server) {
	t.Helper()
	f := &Fake{path: path, status: status, body: body}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.req = r.Clone(context.Background())
	status, body := f.status, f.body
	f.mu.Unlock()
	if r.URL.Path != f.path {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// Last returns the last request the fake received.
func (f *Fake) Last() *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.req
}

// Fetch builds a source with newSource and fetches once.
func Fetch(t *testing.T, newSource metricsource.Factory, spec metricsource.Spec) (metricsource.Point, error) {
	t.Helper()
	src, err := newSource(spec, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return src.Fetch(context.Background())
}

// WantErr fails unless err contains every one of subs.
func WantErr(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error containing %q, got nil", subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}
