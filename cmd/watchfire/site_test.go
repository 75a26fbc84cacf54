package main

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestStatusPage drives the HTML site of a real server on both stores:
// languages, validators, compression, the page following a change, the
// incident and history pages, feeds, badges and the widget.
func TestStatusPage(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		in.createToken("test")

		home := in.do("GET", "/", nil)
		if home.status != 200 || !strings.HasPrefix(home.header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET / = %d %s", home.status, home.header.Get("Content-Type"))
		}
		body := string(home.body)
		for _, want := range []string{`<html lang="en">`, "Acme Cloud", "All Systems Operational", "API Gateway", "Operational", "No incidents reported."} {
			if !strings.Contains(body, want) {
				t.Errorf("home page lacks %q", want)
			}
		}
		if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
		if home.header.Get("Content-Language") != "en" || !strings.Contains(home.header.Get("Vary"), "Accept-Language") {
			t.Errorf("Content-Language %q, Vary %q", home.header.Get("Content-Language"), home.header.Get("Vary"))
		}

		// Language: ?locale= beats Accept-Language, which beats the default.
		fr := in.do("GET", "/", nil, "Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
		if !strings.Contains(string(fr.body), "Tous les systèmes fonctionnent") || fr.header.Get("Content-Language") != "fr" {
			t.Errorf("Accept-Language fr did not give the French page")
		}
		if en := in.do("GET", "/?locale=en", nil, "Accept-Language", "fr"); !strings.Contains(string(en.body), "All Systems Operational") {
			t.Errorf("?locale=en did not win over Accept-Language")
		}

		// Validators and the precompressed form.
		if r := in.do("GET", "/", nil, "If-None-Match", home.header.Get("Etag")); r.status != http.StatusNotModified {
			t.Errorf("If-None-Match = %d, want 304", r.status)
		}
		gz := in.do("GET", "/", nil, "Accept-Encoding", "gzip")
		if gz.header.Get("Content-Encoding") != "gzip" || string(gunzip(t, gz.body)) != body {
			t.Errorf("gzipped page differs from the plain one")
		}
		if gz.header.Get("Etag") == home.header.Get("Etag") {
			t.Errorf("gzip and plain share an ETag")
		}

		// A change shows at once; incident text is markdown, made safe.
		inc := in.mustDo(201, "POST", "/api/v1/incidents", map[string]any{
			"name": "Elevated API errors", "status": "investigating",
			"body":       "We are **looking** into it. <script>alert(1)</script> [x](javascript:alert(2))",
			"components": map[string]string{"api": "major_outage"},
		})
		id := inc["id"].(string)
		after := string(in.do("GET", "/", nil).body)
		for _, want := range []string{"Elevated API errors", "Major System Outage", "Major outage", "<strong>looking</strong>", "incidents/" + id + "/"} {
			if !strings.Contains(after, want) {
				t.Errorf("after the incident, the home page lacks %q", want)
			}
		}
		if strings.Contains(after, "<script>alert") || strings.Contains(after, "javascript:") {
			t.Error("incident markdown let a script through")
		}
		page := in.do("GET", "/incidents/"+id+"/", nil)
		if page.status != 200 || !strings.Contains(string(page.body), "Investigating") {
			t.Errorf("incident page = %d", page.status)
		}
		if r := in.do("GET", "/incidents/"+id, nil); r.status != http.StatusMovedPermanently || r.header.Get("Location") != id+"/" {
			t.Errorf("incident without slash = %d → %q", r.status, r.header.Get("Location"))
		}
		if r := in.do("GET", "/incidents/nope/", nil); r.status != 404 || !strings.Contains(string(r.body), "Page not found") {
			t.Errorf("unknown incident = %d", r.status)
		}
		in.mustDo(200, "POST", "/api/v1/incidents/"+id+"/resolve", map[string]any{"body": "Fixed."})

		month := time.Now().UTC().Format("2006-01")
		for _, path := range []string{"/history/", "/history/" + month + "/"} {
			r := in.do("GET", path, nil)
			if r.status != 200 || !strings.Contains(string(r.body), "Elevated API errors") || !strings.Contains(string(r.body), "Resolved") {
				t.Errorf("%s = %d, or lacks the resolved incident", path, r.status)
			}
		}
		if r := in.do("GET", "/history/1999-01/", nil); r.status != 404 {
			t.Errorf("history before the first incident = %d, want 404", r.status)
		}
		if r := in.do("GET", "/uptime/", nil, "Accept-Language", "fr"); r.status != 200 || !strings.Contains(string(r.body), "Disponibilité par mois") {
			t.Errorf("uptime page = %d", r.status)
		}

		// Feeds.
		var atom struct {
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(in.do("GET", "/history.atom", nil).body, &atom); err != nil || len(atom.Entries) == 0 || atom.Entries[0].Title != "Elevated API errors" {
			t.Errorf("Atom feed: %v %+v", err, atom)
		}
		var jf struct {
			Items []struct {
				Title string `json:"title"`
			} `json:"items"`
		}
		if err := json.Unmarshal(in.do("GET", "/feed.json", nil).body, &jf); err != nil || len(jf.Items) == 0 {
			t.Errorf("JSON Feed: %v %+v", err, jf)
		}
		if r := in.do("GET", "/history.rss", nil); r.status != 200 || !strings.Contains(string(r.body), "<rss") {
			t.Errorf("RSS = %d", r.status)
		}
		if r := in.do("GET", "/components/api/history.atom", nil); r.status != 200 || !strings.Contains(string(r.body), "Elevated API errors") {
			t.Errorf("component feed = %d", r.status)
		}

		// Badges, favicon, widget.
		if r := in.do("GET", "/badge/api.svg", nil); r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(string(r.body), "Operational") {
			t.Errorf("status badge = %d %s", r.status, r.body)
		}
		if r := in.do("GET", "/badge/api/uptime/30d.svg", nil); r.status != 200 || !strings.Contains(string(r.body), "uptime 30d") {
			t.Errorf("uptime badge = %d %s", r.status, r.body)
		}
		if r := in.do("GET", "/badge/nope.svg", nil); r.status != 404 || !strings.Contains(string(r.body), "<svg") {
			t.Errorf("unknown badge = %d %s", r.status, r.body)
		}
		if r := in.do("GET", "/favicon.svg", nil); r.status != 200 || !strings.Contains(string(r.body), "<svg") {
			t.Errorf("favicon = %d", r.status)
		}
		if r := in.do("GET", "/embed.js", nil); r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("embed.js = %d, CORS %q", r.status, r.header.Get("Access-Control-Allow-Origin"))
		}
		asset := in.do("GET", "/assets/style.css?v=1", nil)
		if asset.status != 200 || !strings.Contains(asset.header.Get("Cache-Control"), "immutable") {
			t.Errorf("asset = %d, Cache-Control %q", asset.status, asset.header.Get("Cache-Control"))
		}

		// Clients asking for JSON still get the index.
		if idx := in.mustDo(200, "GET", "/", nil, "Accept", "application/json"); idx["name"] != "Watchfire" {
			t.Errorf("JSON index = %v", idx)
		}
	})
}
