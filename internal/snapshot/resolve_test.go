package snapshot_test

import (
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

var built = time.Date(2025, 11, 3, 14, 32, 0, 0, time.UTC)

// build renders a snapshot of a state holding only the pages.
func build(t *testing.T, pages ...watchfire.Page) *snapshot.Snapshot {
	t.Helper()
	s, err := snapshot.Build(&watchfire.State{Pages: pages}, built)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s
}

// pageID names a resolved page in messages.
func pageID(pv *snapshot.PageView) string {
	if pv == nil {
		return "<nil>"
	}
	return pv.Page.ID
}

func page(id, host, prefix string, position int) watchfire.Page {
	return watchfire.Page{ID: id, Name: "Page " + id, TimeZone: "UTC", Host: host, PathPrefix: prefix, Position: position}
}

func TestResolve(t *testing.T) {
	// Listed out of position order: Build sorts them.
	s := build(t,
		page("partner-internal", "partner.acme.test", "/internal", 5),
		page("internal-eu", "", "/internal/eu", 3),
		page("public", "", "", 1),
		page("internal", "", "/internal", 2),
		page("partner", "partner.acme.test", "", 4),
		page("beta", "beta.acme.test", "", 6),
	)
	tests := []struct {
		name, host, path string
		wantPage         string
		wantRest         string
	}{
		{"root", "status.acme.test", "/", "public", "/"},
		{"any path on the default page", "status.acme.test", "/api/v2/summary.json", "public", "/api/v2/summary.json"},
		{"no host at all", "", "/history", "public", "/history"},
		{"the prefix itself", "status.acme.test", "/internal", "internal", "/"},
		{"the prefix and a slash", "status.acme.test", "/internal/", "internal", "/"},
		{"under the prefix", "status.acme.test", "/internal/api/v2/summary.json", "internal", "/api/v2/summary.json"},
		{"the prefix must match a whole segment", "status.acme.test", "/internalx", "public", "/internalx"},
		{"a whole segment, deeper", "status.acme.test", "/internalx/api", "public", "/internalx/api"},
		{"longest prefix wins", "status.acme.test", "/internal/eu/api/v2/status.json", "internal-eu", "/api/v2/status.json"},
		{"longest prefix, exactly", "status.acme.test", "/internal/eu", "internal-eu", "/"},
		{"a longer prefix must match a whole segment too", "status.acme.test", "/internal/europe", "internal", "/europe"},
		{"prefixes are case-sensitive", "status.acme.test", "/Internal", "public", "/Internal"},
		{"host", "partner.acme.test", "/", "partner", "/"},
		{"host, case-insensitive", "PARTNER.Acme.TEST", "/history", "partner", "/history"},
		{"host with a port", "partner.acme.test:8443", "/", "partner", "/"},
		{"host with a port, in capitals", "Partner.Acme.Test:80", "/api", "partner", "/api"},
		{"host and prefix beat host alone", "partner.acme.test", "/internal/api", "partner-internal", "/api"},
		{"host and prefix, prefix only as a whole segment", "partner.acme.test", "/internalx", "partner", "/internalx"},
		{"a host page outranks a prefix-only page", "beta.acme.test", "/internal/api", "beta", "/internal/api"},
		{"an unknown host falls back to the pages without a host", "unknown.test", "/internal/x", "internal", "/x"},
		{"a host that only starts like a page's", "partner.acme.test.evil", "/", "public", "/"},
		{"IPv6 literal with a port", "[::1]:8080", "/", "public", "/"},
		{"IPv6 literal without a port", "[::1]", "/internal", "internal", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pv, rest := s.Resolve(tt.host, tt.path)
			if pv == nil {
				t.Fatalf("Resolve(%q, %q) = nil, want page %q", tt.host, tt.path, tt.wantPage)
			}
			if pv.Page.ID != tt.wantPage || rest != tt.wantRest {
				t.Errorf("Resolve(%q, %q) = %q, %q; want %q, %q", tt.host, tt.path, pv.Page.ID, rest, tt.wantPage, tt.wantRest)
			}
		})
	}
	if !s.HasPrefixes() {
		t.Error("HasPrefixes() = false with prefixed pages")
	}
}

// TestDefaultPage checks which page answers requests that match no page's
// host or prefix.
func TestDefaultPage(t *testing.T) {
	tests := []struct {
		name  string
		pages []watchfire.Page
		want  string // "" for none
	}{
		{"the page with neither host nor prefix, wherever it is", []watchfire.Page{
			page("by-host", "a.test", "", 1), page("by-prefix", "", "/b", 2), page("plain", "", "", 3),
		}, "plain"},
		{"else the first page by position", []watchfire.Page{
			page("second", "", "/b", 2), page("first", "a.test", "", 1), page("third", "c.test", "/c", 3),
		}, "first"},
		{"equal positions keep the stored order", []watchfire.Page{
			page("x", "x.test", "", 1), page("y", "y.test", "", 1),
		}, "x"},
		{"a single page", []watchfire.Page{page("only", "only.test", "", 0)}, "only"},
		{"no page", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := build(t, tt.pages...)
			pv, rest := s.Resolve("unknown.test", "/nowhere")
			switch {
			case tt.want == "":
				if s.Default != nil || pv != nil {
					t.Errorf("Default = %s, Resolve = %s; want nil for a snapshot without pages", pageID(s.Default), pageID(pv))
				}
				if rest != "/nowhere" {
					t.Errorf("Resolve without pages returned the path %q, want it unchanged", rest)
				}
			case s.Default == nil || s.Default.Page.ID != tt.want:
				t.Errorf("Default = %s, want page %q", pageID(s.Default), tt.want)
			case pv != s.Default || rest != "/nowhere":
				t.Errorf("Resolve of an unmatched request = %s, %q; want the default page %q and the path unchanged",
					pageID(pv), rest, tt.want)
			}
		})
	}
}

// TestBuildIndexesPages checks the page lookups a snapshot offers.
func TestBuildIndexesPages(t *testing.T) {
	s := build(t, page("b", "", "", 2), page("a", "", "", 1))
	if len(s.Pages) != 2 || s.Pages[0].Page.ID != "a" || s.Pages[1].Page.ID != "b" {
		t.Errorf("Pages not in position order, or not 2 of them: %d pages", len(s.Pages))
	}
	if s.Page("b") == nil || s.Page("b").Page.ID != "b" || s.Page("nope") != nil {
		t.Error("Page(id) does not find pages by id")
	}
	if s.HasPrefixes() {
		t.Error("HasPrefixes() = true without any prefix")
	}
	if !s.BuiltAt.Equal(built) {
		t.Errorf("BuiltAt = %v, want %v", s.BuiltAt, built)
	}
	for _, path := range []string{"summary.json", "status.json", "components.json", "incidents.json"} {
		if doc := s.Page("a").Docs[path]; doc == nil || len(doc.Body) == 0 || doc.ContentType != "application/json" {
			t.Errorf("page a: document %s = %+v", path, doc)
		}
	}
	// A page that cannot be rendered fails the whole build.
	bad := page("bad", "", "", 3)
	bad.TimeZone = "Mars/Olympus_Mons"
	if _, err := snapshot.Build(&watchfire.State{Pages: []watchfire.Page{page("a", "", "", 1), bad}}, built); err == nil {
		t.Error("Build with an unknown time zone succeeded")
	}
}

// TestResolveFallbackToAPrefixedDefault checks the path returned when a
// request matches no page and the default page has a prefix.
func TestResolveFallbackToAPrefixedDefault(t *testing.T) {
	s := build(t, page("internal", "", "/internal", 1))
	for path, wantRest := range map[string]string{
		"/internalx/api": "/internalx/api", // not under /internal: the path is the request's
		"/api/v2":        "/api/v2",
		"/internal/api":  "/api",
	} {
		pv, rest := s.Resolve("status.acme.test", path)
		if pv == nil || pv.Page.ID != "internal" || rest != wantRest {
			t.Errorf("Resolve(%q) = %s, %q; want the only page and %q", path, pageID(pv), rest, wantRest)
		}
	}
}

// TestResolveHostWithPort checks pages whose configured host carries a
// port, which the config accepts ("a :port may follow").
func TestResolveHostWithPort(t *testing.T) {
	s := build(t, page("public", "", "", 1), page("alt", "status.acme.test:8443", "", 2), page("bare", "other.test", "", 3))
	tests := []struct{ host, want string }{
		{"status.acme.test:8443", "alt"},
		{"STATUS.Acme.Test:8443", "alt"},
		{"status.acme.test", "public"},      // another port: not that page
		{"status.acme.test:9443", "public"}, // idem
		{"other.test:8443", "bare"},         // a page without a port answers on any
		{"other.test", "bare"},
	}
	for _, tt := range tests {
		if pv, _ := s.Resolve(tt.host, "/"); pageID(pv) != tt.want {
			t.Errorf("Resolve(%q) = %s, want %s", tt.host, pageID(pv), tt.want)
		}
	}
}
