package prometheus

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire/internal/metricsource"
	"github.com/watchfire-status/watchfire/internal/metricsource/sourcetest"
)

func start(t *testing.T, status int, body string) (*sourcetest.Fake, *httptest.Server) {
	return sourcetest.Serve(t, "/api/v1/query", status, body)
}

func fetch(t *testing.T, spec metricsource.Spec) (metricsource.Point, error) {
	return sourcetest.Fetch(t, New, spec)
}

var wantErr = sourcetest.WantErr

const vectorOne = `{"status":"success","data":{"resultType":"vector","result":[
 {"metric":{"job":"api"},"value":[1700000000.123,"42.5"]}]}}`

func TestVector(t *testing.T) {
	f, srv := start(t, 200, vectorOne)
	p, err := fetch(t, metricsource.Spec{URL: srv.URL + "/", Query: `sum(rate(http_requests_total{job="api"}[5m]))`, Token: "s3cret", Headers: map[string]string{"X-Scope-OrgID": "team"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Value != 42.5 {
		t.Errorf("value = %v, want 42.5", p.Value)
	}
	if want := time.UnixMilli(1700000000123); !p.At.Equal(want) {
		t.Errorf("at = %v, want %v", p.At, want)
	}
	r := f.Last()
	if r.Method != http.MethodGet || r.URL.Path != "/api/v1/query" {
		t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
	if got := r.URL.Query().Get("query"); got != `sum(rate(http_requests_total{job="api"}[5m]))` {
		t.Errorf("query param = %q", got)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("X-Scope-OrgID"); got != "team" {
		t.Errorf("X-Scope-OrgID = %q", got)
	}
}

func TestNoAuthHeaderWithoutToken(t *testing.T) {
	f, srv := start(t, 200, vectorOne)
	if _, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "up"}); err != nil {
		t.Fatal(err)
	}
	if got := f.Last().Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
}

func TestScalar(t *testing.T) {
	_, srv := start(t, 200, `{"status":"success","data":{"resultType":"scalar","result":[1700000001,"3"]}}`)
	p, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "scalar(sum(up))"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Value != 3 || !p.At.Equal(time.Unix(1700000001, 0)) {
		t.Errorf("got %+v", p)
	}
}

func TestSpecialValues(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want func(float64) bool
	}{
		{"NaN", math.IsNaN},
		{"+Inf", func(f float64) bool { return math.IsInf(f, 1) }},
		{"-Inf", func(f float64) bool { return math.IsInf(f, -1) }},
		{"1e-3", func(f float64) bool { return f == 0.001 }},
	} {
		_, srv := start(t, 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"`+tc.in+`"]}]}}`)
		p, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "x"})
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if !tc.want(p.Value) {
			t.Errorf("%s: got %v", tc.in, p.Value)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		query  string
		subs   []string
	}{
		{"no series", 200, `{"status":"success","data":{"resultType":"vector","result":[]}}`, "up", []string{"the query returned no series"}},
		{"many series", 200, `{"status":"success","data":{"resultType":"vector","result":[
			{"metric":{"i":"1"},"value":[1,"1"]},{"metric":{"i":"2"},"value":[1,"1"]},{"metric":{"i":"3"},"value":[1,"1"]}]}}`,
			"up", []string{"prometheus at http://", `query "up" returned 3 series; aggregate it to one, e.g. sum(up)`}},
		{"status error", 422, `{"status":"error","errorType":"execution","error":"expanding series: context deadline exceeded"}`, "up",
			[]string{"422", "execution", "context deadline exceeded"}},
		{"status error 200", 200, `{"status":"error","errorType":"bad_data","error":"parse error at char 3"}`, "up(",
			[]string{`query "up(" failed`, "bad_data", "parse error at char 3", "fix the query"}},
		{"matrix", 200, `{"status":"success","data":{"resultType":"matrix","result":[]}}`, "up[5m]", []string{`"matrix"`, "instant query"}},
		{"not json", 200, `<html>hello</html>`, "up", []string{"not Prometheus API JSON", "<html>hello</html>"}},
		{"bad value", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}`, "up", []string{`"abc" is not a number`}},
		{"unquoted value", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}`, "up", []string{"want a quoted number"}},
		{"short pair", 200, `{"status":"success","data":{"resultType":"scalar","result":[1]}}`, "up", []string{"malformed sample"}},
		{"server error", 503, "Service Unavailable: too many queries", "up", []string{"503", "too many queries"}},
		{"unauthorized", 401, "unauthorized", "up", []string{"401", "check the token"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := start(t, tc.status, tc.body)
			_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: tc.query})
			wantErr(t, err, tc.subs...)
		})
	}
}

func TestNotFoundPath(t *testing.T) {
	_, srv := start(t, 200, vectorOne)
	_, err := fetch(t, metricsource.Spec{URL: srv.URL + "/api/v1", Query: "up"})
	wantErr(t, err, "404", "base URL")
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
	for _, client := range []*http.Client{nil, {}} {
		src, err := New(metricsource.Spec{URL: srv.URL, Query: "up", Timeout: 150 * time.Millisecond}, client)
		if err != nil {
			t.Fatal(err)
		}
		begin := time.Now()
		_, err = src.Fetch(context.Background())
		wantErr(t, err, "no response within 150ms", "raise the timeout")
		if d := time.Since(begin); d > 2*time.Second {
			t.Errorf("took %v", d)
		}
	}
	// A caller's context deadline also applies.
	src, _ := New(metricsource.Spec{URL: srv.URL, Query: "up"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := src.Fetch(ctx); err == nil {
		t.Fatal("expected error from canceled context")
	}
}

func TestHugeBodyBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Valid JSON padded with whitespace far past the limit: only the
		// bound makes this fail.
		_, _ = w.Write([]byte(`{"status":"success",`))
		pad := []byte(strings.Repeat(" ", 64<<10))
		for i := 0; i < 64; i++ { // 4 MiB
			if _, err := w.Write(pad); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"data":{"resultType":"scalar","result":[1,"1"]}}`))
	}))
	t.Cleanup(srv.Close)
	_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "up"})
	if !errors.Is(err, metricsource.ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		spec metricsource.Spec
		sub  string
	}{
		{metricsource.Spec{Query: "up"}, "url is empty"},
		{metricsource.Spec{URL: "prometheus:9090", Query: "up"}, "absolute http"},
		{metricsource.Spec{URL: "ftp://prometheus:9090", Query: "up"}, "absolute http"},
		{metricsource.Spec{URL: "/api", Query: "up"}, "absolute http"},
		{metricsource.Spec{URL: "http://p:9090?x=1", Query: "up"}, "query string"},
		{metricsource.Spec{URL: "http://p:9090"}, "query is empty"},
		{metricsource.Spec{URL: "http://p:9090", Query: "  "}, "query is empty"},
		{metricsource.Spec{URL: "http://p:9090", Query: "up", Timeout: -1}, "negative"},
	} {
		_, err := New(tc.spec, nil)
		wantErr(t, err, tc.sub)
	}
	if _, err := New(metricsource.Spec{URL: "https://p:9090/prefix", Query: "up"}, nil); err != nil {
		t.Errorf("valid spec rejected: %v", err)
	}
}
