package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/net/html"
	_ "modernc.org/sqlite"
)

// exportPages has a default page, one under a path prefix and one told
// apart by host: the three places a page's copy can go.
const exportPages = `pages:
  - id: public
    name: Acme Status
    url: https://status.acme.test
    locale: en
  - id: internal
    name: Acme Internal
    path_prefix: /internal
  - id: partners
    name: Acme Partners
    host: partners.acme.test
    components: [db]
components:
  - {id: api, name: API Gateway, group: Core}
  - {id: db, name: Database, group: Infra}
blocks:
  - title: Getting help
    body: "Read the [documentation](https://docs.acme.test) or write to [support](mailto:support@acme.test)."
`

var exportSummary = regexp.MustCompile(`exported (\d+) page\(s\) to .*: (\d+) file\(s\) written, (\d+) unchanged, (\d+) removed in \S+`)

// exportCounts runs one export and returns what its summary line says.
func exportCounts(t *testing.T, dsn, cfg, out string) (written, unchanged, removed int) {
	t.Helper()
	stdout, stderr, err := runCmd(t, nil, "export", "--database", dsn, "--config", cfg, "--out", out)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	m := exportSummary.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("export printed %q, want the one-line summary", stdout)
	}
	fmt.Sscan(m[2], &written)
	fmt.Sscan(m[3], &unchanged)
	fmt.Sscan(m[4], &removed)
	return written, unchanged, removed
}

func TestExportWritesAStaticCopy(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		cfg := writeFile(t, "watchfire.yaml", exportPages)
		in := start(t, dsn(t), cfg)
		in.createToken("export")
		in.mustDo(201, "POST", "/api/v1/components", map[string]any{"id": "billing", "name": "Billing", "group": "Core"})
		inc := in.mustDo(201, "POST", "/api/v1/incidents", map[string]any{
			"name": "Elevated API errors", "body": "We are looking into it.", "components": map[string]string{"api": "partial_outage"}})["id"].(string)
		in.mustDo(200, "POST", "/api/v1/incidents/"+inc+"/resolve", map[string]any{"body": "Fixed."})
		internal := in.mustDo(201, "POST", "/api/v1/incidents", map[string]any{"page_id": "internal",
			"name": "Database failover", "components": map[string]string{"db": "degraded_performance"}})["id"].(string)
		maint := in.mustDo(201, "POST", "/api/v1/maintenances", map[string]any{
			"name": "Database upgrade", "body": "Next major version.", "components": []string{"db"},
			"scheduled_for": "2030-01-05T02:00:00Z", "scheduled_until": "2030-01-05T03:00:00Z"})["id"].(string)

		out := filepath.Join(t.TempDir(), "site")
		// Files the export did not write: it must never delete them.
		foreign := []string{"CNAME", "assets/custom.css", "badge/billing/uptime/README"}
		for _, f := range foreign {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(out, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, f), []byte("mine\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}

		written, _, _ := exportCounts(t, in.dsn, cfg, out)
		month := time.Now().UTC().Format("2006-01")
		want := []string{
			"index.html", "history/index.html", "history/" + month + "/index.html", "uptime/index.html",
			"uptime/" + month + "/index.html", "incidents/" + inc + "/index.html", "maintenances/" + maint + "/index.html",
			"fr/index.html", "fr/history/index.html", "fr/history/" + month + "/index.html", "fr/uptime/index.html",
			"fr/incidents/" + inc + "/index.html", "fr/maintenances/" + maint + "/index.html",
			"history.atom", "history.rss", "feed.json", "favicon.svg", "404.html",
			"components/api/history.atom", "components/api/history.rss", "components/api/feed.json",
			"badge/api.svg", "badge/billing.svg", "badge/db/uptime/24h.svg", "badge/db/uptime/7d.svg",
			"badge/db/uptime/30d.svg", "badge/db/uptime/90d.svg",
			"assets/app.js", "assets/style.css",
			"api/v2/summary.json", "api/v2/status.json", "api/v2/components.json", "api/v2/incidents.json",
			"api/v2/incidents/unresolved.json", "api/v2/scheduled-maintenances.json",
			"api/v2/scheduled-maintenances/upcoming.json", "api/v2/scheduled-maintenances/active.json",
			// The page under /internal, the same URLs as the server's.
			"internal/index.html", "internal/fr/index.html", "internal/incidents/" + internal + "/index.html",
			"internal/api/v2/summary.json", "internal/assets/app.js", "internal/404.html",
			// The page told apart by host, at its id; it shows db, so the
			// internal incident about db is on it too (and on the public
			// page, which shows every component).
			"partners/index.html", "partners/incidents/" + internal + "/index.html", "partners/badge/db.svg",
			"partners/api/v2/summary.json",
		}
		for _, f := range want {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Errorf("missing %s: %v", f, err)
			}
		}
		for _, f := range []string{"partners/incidents/" + inc + "/index.html", "partners/badge/api.svg"} {
			if _, err := os.Stat(filepath.Join(out, f)); err == nil {
				t.Errorf("%s exists, but that object is not on that page", f)
			}
		}
		htmlFiles := checkLinks(t, out)
		if htmlFiles < 20 || written < 100 {
			t.Errorf("%d HTML files, %d files in all: too few", htmlFiles, written)
		}

		var sum struct {
			Page       struct{ ID string }
			Components []struct{ ID, Name, Status string }
		}
		data, err := os.ReadFile(filepath.Join(out, "api/v2/summary.json"))
		if err != nil || json.Unmarshal(data, &sum) != nil {
			t.Fatalf("api/v2/summary.json: %v\n%s", err, data)
		}
		var names []string
		for _, c := range sum.Components {
			names = append(names, c.Name)
		}
		if sum.Page.ID != "public" || !strings.Contains(strings.Join(names, ","), "API Gateway") || !strings.Contains(strings.Join(names, ","), "Billing") {
			t.Errorf("summary.json: page %q, components %q", sum.Page.ID, names)
		}
		fr := readString(t, filepath.Join(out, "fr/index.html"))
		if !strings.Contains(fr, `<html lang="fr">`) || !strings.Contains(fr, `data-live="poll"`) {
			t.Errorf("fr/index.html is not the French page that polls:\n%.600s", fr)
		}
		if en := readString(t, filepath.Join(out, "index.html")); !strings.Contains(en, `<html lang="en">`) {
			t.Errorf("index.html is not English:\n%.300s", en)
		}

		// Nothing changed: nothing is rewritten, and mtimes stay.
		before, err := os.Stat(filepath.Join(out, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if w, u, r := exportCounts(t, in.dsn, cfg, out); w != 0 || r != 0 || u != written {
			t.Errorf("second export: %d written, %d unchanged, %d removed; want 0, %d, 0", w, u, r, written)
		}
		if after, _ := os.Stat(filepath.Join(out, "index.html")); !after.ModTime().Equal(before.ModTime()) {
			t.Error("the second export touched index.html")
		}

		// A deleted component's badges and feeds go, on both pages that
		// showed it; foreign files stay.
		in.mustDo(204, "DELETE", "/api/v1/components/billing", nil)
		w, _, r := exportCounts(t, in.dsn, cfg, out)
		if perPage := 3 + 1 + len(exportWindows); r != 2*perPage || w == 0 {
			t.Errorf("after deleting a component: %d written, %d removed; want its %d files removed", w, r, 2*perPage)
		}
		for _, f := range []string{"badge/billing.svg", "badge/billing/uptime/24h.svg", "components/billing/feed.json",
			"components/billing", "internal/badge/billing.svg", "internal/components/billing"} {
			if _, err := os.Stat(filepath.Join(out, f)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s survived the component's deletion: %v", f, err)
			}
		}
		for _, f := range foreign {
			if got := readString(t, filepath.Join(out, f)); got != "mine\n" {
				t.Errorf("foreign file %s = %q", f, got)
			}
		}
		if sum := readString(t, filepath.Join(out, "api/v2/summary.json")); strings.Contains(sum, "Billing") {
			t.Error("summary.json still names the deleted component")
		}
		// No temporary file is left behind.
		_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), exportTempPrefix) {
				t.Errorf("temporary file left: %s", p)
			}
			return nil
		})
	})
}

var exportWindows = []string{"24h", "7d", "30d", "90d"}

func readString(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkLinks parses every exported HTML file and checks that each
// relative href and src, and the root the script polls from, leads to a
// file of the export inside the same page's copy: the copy works from any
// static host, at any path. It returns how many HTML files it read.
func checkLinks(t *testing.T, out string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		pageRoot := ""
		for _, r := range []string{"internal/", "partners/"} {
			if strings.HasPrefix(rel, r) {
				pageRoot = r
			}
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := html.Parse(f)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		n++
		check := func(attr, ref string) {
			u, err := url.Parse(ref)
			if err != nil {
				t.Errorf("%s: %s=%q does not parse: %v", rel, attr, ref, err)
				return
			}
			if u.Scheme != "" || u.Host != "" || u.Path == "" {
				return // absolute, or a fragment or query on this document
			}
			if strings.HasPrefix(u.Path, "/") {
				t.Errorf("%s: %s=%q is root-relative: it breaks on a host that serves the copy under a path", rel, attr, ref)
				return
			}
			target := path.Join(path.Dir(rel), u.Path)
			if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == ".." || strings.HasSuffix(u.Path, "/.") || strings.HasSuffix(u.Path, "/..") {
				target = path.Join(target, "index.html")
			}
			if !strings.HasPrefix(target, pageRoot) || strings.HasPrefix(target, "../") {
				t.Errorf("%s: %s=%q leads out of its page's copy (%s)", rel, attr, ref, target)
				return
			}
			fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(target)))
			if err == nil && fi.IsDir() {
				_, err = os.Stat(filepath.Join(out, filepath.FromSlash(target), "index.html"))
			}
			if err != nil {
				t.Errorf("%s: %s=%q leads to %s, which the export does not have", rel, attr, ref, target)
			}
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				for _, a := range n.Attr {
					switch a.Key {
					case "href", "src":
						check(a.Key, a.Val)
					case "data-root":
						check(a.Key, a.Val+"api/v2/summary.json")
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A foreign path in the manifest, or one outside the directory, is never
// deleted: the manifest only names what the export may remove.
func TestExportManifestCannotDeleteOutside(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	outside := filepath.Join(parent, "precious.txt")
	if err := os.WriteFile(outside, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(out, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := manifestHeader + "\n../precious.txt\n" + outside + "\nsub\nold.html\n"
	if err := os.WriteFile(filepath.Join(out, exportManifest), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "old.html"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, u, r, err := writeTree(out, map[string][]byte{"index.html": []byte("new"), "a/b/c.json": []byte("{}")})
	if err != nil || w != 2 || u != 0 || r != 1 {
		t.Fatalf("writeTree = %d written, %d unchanged, %d removed, %v; want 2, 0, 1", w, u, r, err)
	}
	for _, keep := range []string{outside, filepath.Join(out, "sub")} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("%s was deleted: %v", keep, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "old.html")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old.html, listed in the manifest, survived: %v", err)
	}
	if got := readString(t, filepath.Join(out, exportManifest)); got != manifestHeader+"\na/b/c.json\nindex.html\n" {
		t.Errorf("manifest = %q", got)
	}
	if fi, err := os.Stat(filepath.Join(out, "a/b/c.json")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("a/b/c.json: %v, mode %v; want 0644 so that any web server can read it", err, fi.Mode())
	}
}

func TestExportErrorsAreClear(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")

	missing := filepath.Join(dir, "missing.db")
	_, _, err := runCmd(t, nil, "export", "--database", "sqlite:"+missing, "--out", out)
	if err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("missing database: %v", err)
	}
	if _, statErr := os.Stat(missing); !errors.Is(statErr, fs.ErrNotExist) {
		t.Errorf("export created the database file: %v", statErr)
	}

	empty := filepath.Join(dir, "empty.db")
	if _, _, err := runCmd(t, nil, "migrate", "--database", "sqlite:"+empty); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, nil, "export", "--database", "sqlite:"+empty, "--out", out)
	if err == nil || !strings.Contains(err.Error(), "no status page") || !strings.Contains(err.Error(), "watchfire serve") {
		t.Errorf("a database without pages: %v, want a message that says to run watchfire serve first", err)
	}

	raw, err := sql.Open("sqlite", empty)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, _, err = runCmd(t, nil, "export", "--database", "sqlite:"+empty, "--out", out)
	if err == nil || !strings.Contains(err.Error(), "watchfire migrate") {
		t.Errorf("an old schema: %v, want a message that says to migrate", err)
	}

	_, _, err = runCmd(t, nil, "export", "--database", "sqlite:"+empty)
	if err == nil {
		t.Error("export without --out succeeded")
	}
	if _, statErr := os.Stat(out); !errors.Is(statErr, fs.ErrNotExist) {
		t.Errorf("failed exports created the output directory: %v", statErr)
	}
}

// --watch follows a change made through the admin API within seconds and
// stops cleanly, leaving no goroutine behind. Not parallel at the top, so
// that the leak check sees only this test's goroutines.
func TestExportWatchFollowsChanges(t *testing.T) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { // after the subtests and their servers have stopped
		goleak.VerifyNone(t, before,
			// Idle keep-alive connections of the tests' HTTP client.
			goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"))
	})
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		cfg := writeFile(t, "watchfire.yaml", exportPages)
		in := start(t, dsn(t), cfg)
		in.createToken("watch")
		out := filepath.Join(t.TempDir(), "site")

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var stdout, stderr lockedBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"export", "--watch", "--interval", "100ms", "--database", in.dsn, "--config", cfg, "--out", out},
				func(string) string { return "" }, &stdout, &stderr)
		}()
		status := func() string {
			data, err := os.ReadFile(filepath.Join(out, "api/v2/summary.json"))
			if err != nil {
				return ""
			}
			var sum map[string]any
			if json.Unmarshal(data, &sum) != nil {
				return ""
			}
			return componentStatus(sum, "api")
		}
		waitFor(t, 10*time.Second, func() bool { return status() == "operational" })

		changed := time.Now()
		in.mustDo(200, "PATCH", "/api/v1/components/api", map[string]any{"status": "major_outage"})
		waitFor(t, 5*time.Second, func() bool { return status() == "major_outage" })
		t.Logf("the export showed the change after %s", time.Since(changed).Round(time.Millisecond))
		if home := readString(t, filepath.Join(out, "index.html")); !strings.Contains(home, "major_outage") {
			t.Error("index.html does not show the outage")
		}

		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("export --watch returned %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("export --watch did not stop within 10s of its context's end")
		}
		if lines := exportSummary.FindAllString(stdout.String(), -1); len(lines) < 2 {
			t.Errorf("--watch printed %q, want a summary for the first export and for the change", stdout.String())
		}
	})
}

// Where each document goes: the default language at the page's root.
func TestExportFileNames(t *testing.T) {
	t.Parallel()
	cases := []struct{ dir, locale, path, want string }{
		{"", "en", "/", "index.html"},
		{"", "fr", "/", "fr/index.html"},
		{"", "en", "/history/2025-01/", "history/2025-01/index.html"},
		{"internal", "fr", "/incidents/abc/", "internal/fr/incidents/abc/index.html"},
		{"internal", "en", "/badge/api.svg", "internal/badge/api.svg"},
	}
	for _, c := range cases {
		if got := exportFile(c.dir, c.locale, "en", c.path); got != c.want {
			t.Errorf("exportFile(%q, %q, %q) = %q, want %q", c.dir, c.locale, c.path, got, c.want)
		}
	}
}
