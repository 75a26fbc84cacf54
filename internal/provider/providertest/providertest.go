// Package providertest helps test providers against the real payloads in
// the module's testdata/fixtures (see its SOURCES.tsv), served by a real
// HTTP server on loopback.
package providertest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
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

// OtherFixtures returns every fixture under testdata/fixtures, by path
// relative to it, except those whose path starts with one of own (a
// directory such as "betterstack/" or a file prefix such as
// "other/heroku-"). It fails the test if fewer than 20 are left.
func OtherFixtures(tb testing.TB, own ...string) []string {
	tb.Helper()
	entries, err := os.ReadDir(FixturesDir())
	if err != nil {
		tb.Fatalf("listing fixtures: %v", err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		for rel := range Fixtures(tb, e.Name()) {
			if !hasAnyPrefix(rel, own) {
				out = append(out, rel)
			}
		}
	}
	if len(out) < 20 {
		tb.Fatalf("only %d fixtures of other providers", len(out))
	}
	sort.Strings(out)
	return out
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// RejectsOthers feeds every fixture outside own (see OtherFixtures) to
// p.Parse and expects an error wrapping provider.ErrFormat: ParseAny must
// move on to the next provider.
func RejectsOthers(t *testing.T, p provider.Provider, own ...string) {
	t.Helper()
	RejectsFixtures(t, p, OtherFixtures(t, own...)...)
}

// RejectsFixtures feeds each named fixture (a path relative to
// testdata/fixtures) to p.Parse and expects an error wrapping
// provider.ErrFormat.
func RejectsFixtures(t *testing.T, p provider.Provider, rels ...string) {
	t.Helper()
	for _, rel := range rels {
		if _, err := p.Parse(Fixture(t, rel)); !errors.Is(err, provider.ErrFormat) {
			t.Errorf("%s: Parse = %v, want ErrFormat", rel, err)
		}
	}
}

// RejectsBodies feeds each body to p.Parse and expects an error wrapping
// provider.ErrFormat.
func RejectsBodies(t *testing.T, p provider.Provider, bodies ...string) {
	t.Helper()
	for _, body := range bodies {
		if _, err := p.Parse([]byte(body)); !errors.Is(err, provider.ErrFormat) {
			t.Errorf("Parse(%s) = %v, want ErrFormat", body, err)
		}
	}
}

// BadInputs are the documents every provider must refuse where good (one
// of its real payloads) belongs: an HTML error page, good cut in half,
// good under another content type, good with a byte that is not UTF-8,
// and a server error.
func BadInputs(good []byte) map[string]Doc {
	docs := map[string]Doc{
		"html error page":    {ContentType: "text/html; charset=utf-8", Body: []byte("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>")},
		"truncated":          {ContentType: contentTypeOf(good), Body: good[:len(good)/2]},
		"wrong content type": {ContentType: "image/png", Body: good},
		"server error":       {Status: http.StatusInternalServerError, Body: []byte("Internal Server Error")},
	}
	if bad, ok := notUTF8(good); ok {
		docs["not utf-8"] = Doc{ContentType: contentTypeOf(good), Body: bad}
	}
	return docs
}

// contentTypeOf is what a server would label good with: JSON, or the
// JavaScript of a JSONP callback, or XML.
func contentTypeOf(good []byte) string {
	switch b := bytes.TrimSpace(good); {
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return "application/json"
	case len(b) > 0 && b[0] == '<':
		return "application/xml"
	default:
		return "application/javascript"
	}
}

// notUTF8 returns good with a Latin-1 "é" inside its first quoted string;
// false for a body with a byte-order mark, whose encoding is not UTF-8's.
func notUTF8(good []byte) ([]byte, bool) {
	if bytes.HasPrefix(good, []byte{0xFE, 0xFF}) || bytes.HasPrefix(good, []byte{0xFF, 0xFE}) || bytes.HasPrefix(good, []byte{0xEF, 0xBB, 0xBF}) {
		return nil, false
	}
	i := bytes.IndexByte(good, '"')
	if i < 0 {
		return nil, false
	}
	out := append(append(append([]byte{}, good[:i+1]...), 0xE9), good[i+1:]...)
	return out, true
}

// BadInput serves each of BadInputs(good) at every one of paths and
// checks that Current and History fail, never panic, with an error that
// says something, and that Parse refuses the payloads that are not the
// server's fault (the truncated and the non-UTF-8 ones).
func BadInput(t *testing.T, p provider.Provider, good []byte, paths ...string) {
	t.Helper()
	for name, doc := range BadInputs(good) {
		t.Run(name, func(t *testing.T) {
			docs := map[string]Doc{}
			for _, path := range paths {
				docs[path] = doc
			}
			page := Server(t, docs)
			if rep, err := p.Current(context.Background(), Client(), page); err == nil {
				t.Errorf("Current succeeded: %+v", rep)
			} else if len(strings.TrimSpace(err.Error())) < 10 {
				t.Errorf("Current: unhelpful error %q", err)
			}
			if _, err := p.History(context.Background(), Client(), page); err == nil {
				t.Error("History succeeded")
			}
			if name == "truncated" || name == "not utf-8" {
				if _, err := p.Parse(doc.Body); err == nil {
					t.Error("Parse succeeded")
				}
			}
		})
	}
}
