package graphite

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire/internal/metricsource"
	"github.com/watchfire-status/watchfire/internal/metricsource/sourcetest"
)

func start(t *testing.T, status int, body string) (*sourcetest.Fake, *httptest.Server) {
	return sourcetest.Serve(t, "/render", status, body)
}

func fetch(t *testing.T, spec metricsource.Spec) (metricsource.Point, error) {
	return sourcetest.Fetch(t, New, spec)
}

var wantErr = sourcetest.WantErr

func TestNewestNonNull(t *testing.T) {
	target := `sumSeries(servers.*.cpu.load, "x y")`
	f, srv := start(t, 200, `[{"target":"sumSeries(servers.*.cpu.load)","tags":{"name":"x"},
		"datapoints":[[1.5,1700000000],[2.25,1700000060],[null,1700000120],[null,1700000180]]}]`)
	p, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: target, Token: "tok", Headers: map[string]string{"X-Extra": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Value != 2.25 || !p.At.Equal(time.Unix(1700000060, 0)) {
		t.Errorf("got %+v, want 2.25 at 1700000060", p)
	}
	r := f.Last()
	q := r.URL.Query()
	if r.Method != http.MethodGet || r.URL.Path != "/render" {
		t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
	if q.Get("target") != target || q.Get("format") != "json" || q.Get("from") != "-5min" {
		t.Errorf("query params = %v", q)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer tok" {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("X-Extra"); got != "1" {
		t.Errorf("X-Extra = %q", got)
	}
}

func TestZeroValueIsNotNull(t *testing.T) {
	_, srv := start(t, 200, `[{"target":"a","datapoints":[[5,1700000000],[0,1700000060],[null,1700000120]]}]`)
	p, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Value != 0 || p.At.Unix() != 1700000060 {
		t.Errorf("got %+v", p)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		subs   []string
	}{
		{"all null", 200, `[{"target":"a.b","datapoints":[[null,1700000000],[null,1700000060]]}]`, []string{"no non-null datapoints", "keepLastValue(a.b)"}},
		{"no datapoints", 200, `[{"target":"a.b","datapoints":[]}]`, []string{"no non-null datapoints"}},
		{"no targets", 200, `[]`, []string{`target "a.b" matched no series`}},
		{"several", 200, `[{"target":"x","datapoints":[[1,1]]},{"target":"y","datapoints":[[1,1]]}]`, []string{"returned 2 series", "sumSeries(a.b)"}},
		{"not json", 200, `<html>oops</html>`, []string{"not Graphite render JSON", "oops"}},
		{"server error", 500, "Traceback: ValueError: bad target", []string{"500", "ValueError"}},
		{"bad request", 400, "Invalid target", []string{"400", "check the query", "Invalid target"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := start(t, tc.status, tc.body)
			_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "a.b"})
			wantErr(t, err, tc.subs...)
		})
	}
}

func TestHangTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	begin := time.Now()
	_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "a", Timeout: 150 * time.Millisecond})
	wantErr(t, err, "graphite at", "no response within 150ms")
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestHugeBodyBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"target":"a","datapoints":[`))
		chunk := []byte(strings.Repeat("[1,1700000000],", 4096))
		for i := 0; i < 100; i++ { // ~6 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`[1,1700000000]]}]`))
	}))
	t.Cleanup(srv.Close)
	_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "a"})
	if !errors.Is(err, metricsource.ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(metricsource.Spec{URL: "graphite:8080", Query: "a"}, nil); err == nil {
		t.Error("relative URL accepted")
	}
	if _, err := New(metricsource.Spec{URL: "http://graphite:8080"}, nil); err == nil {
		t.Error("empty query accepted")
	}
}
