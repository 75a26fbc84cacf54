// Package providertest helps test providers against the real payloads in
// the module's testdata/fixtures (see its SOURCES.tsv), served by a real
// HTTP server on loopback.
package providertest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/provider"
)

// FixturesDir is the absolute path of the module's testdata/fixtures.
func FixturesDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "fixtures")
}

// Fixture reads testdata/fixtures/rel, e.g. "atlassian/claude-summary-….json".
func Fixture(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(FixturesDir(), rel))
	if err != nil {
		tb.Fatalf("reading fixture: %v", err)
	}
	return b
}

// Fixtures returns every fixture file under testdata/fixtures/dir, by
// path relative to testdata/fixtures.
func Fixtures(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	root := FixturesDir()
	entries, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		tb.Fatalf("listing fixtures: %v", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		rel := filepath.ToSlash(filepath.Join(dir, e.Name()))
		out[rel] = Fixture(tb, rel)
	}
	return out
}

// Doc is one document a test server serves.
type Doc struct {
	ContentType string // default application/json
	Body        []byte
	Status      int // default 200
}

// Server serves docs by path (with query, if the provider sends one) on
// loopback and returns the page address: the server's root. Unknown paths
// answer 404.
func Server(tb testing.TB, docs map[string]Doc) *url.URL {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := docs[r.URL.RequestURI()]
		if !ok {
			d, ok = docs[r.URL.Path]
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		ct := d.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		if d.Status != 0 {
			w.WriteHeader(d.Status)
		}
		_, _ = w.Write(d.Body)
	}))
	tb.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + "/")
	return u
}

// Client returns the production HTTP client without rate limits worth
// waiting for.
func Client() *provider.HTTPClient {
	return provider.NewHTTPClient(provider.HTTPOptions{PerHost: 1000, Burst: 1000, Timeout: 10 * time.Second})
}

// Check fails the test if the report breaks an invariant every provider
// must keep: known statuses, impacts and indicators, named components,
// non-HTML text.
func Check(tb testing.TB, r *watchfire.UpstreamReport) {
	tb.Helper()
	if err := Validate(r); err != "" {
		tb.Error(err)
	}
}

// Validate returns what is wrong with a report, "" if nothing is.
func Validate(r *watchfire.UpstreamReport) string {
	if r == nil {
		return "nil report"
	}
	switch r.Indicator {
	case "", watchfire.IndicatorNone, watchfire.IndicatorMinor, watchfire.IndicatorMajor,
		watchfire.IndicatorCritical, watchfire.IndicatorMaintenance:
	default:
		return "unknown indicator " + string(r.Indicator)
	}
	for _, c := range r.Components {
		if !c.Status.Valid() {
			return "component " + c.Name + " has status " + string(c.Status)
		}
		if strings.TrimSpace(c.Name) == "" {
			return "component " + c.ID + " has no name"
		}
	}
	for _, inc := range r.Incidents {
		if !inc.Status.Valid() {
			return "incident " + inc.ID + " has status " + string(inc.Status)
		}
		if !inc.Impact.Valid() {
			return "incident " + inc.ID + " has impact " + string(inc.Impact)
		}
	}
	for _, m := range r.Maintenances {
		if !m.Status.Valid() {
			return "maintenance " + m.ID + " has status " + string(m.Status)
		}
	}
	return ""
}

// Fuzz runs p.Parse on the fuzzer's bytes, seeded with the given fixtures:
// it must never panic, and whatever it accepts must pass Validate.
func Fuzz(f *testing.F, p provider.Provider, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rep, err := p.Parse(body)
		if err != nil {
			return
		}
		if msg := Validate(rep); msg != "" {
			t.Fatalf("Parse accepted a payload and returned an invalid report: %s", msg)
		}
	})
}
