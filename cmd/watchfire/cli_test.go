package main

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

const twoPages = `listen: 127.0.0.1:1
pages:
  - id: public
    name: Acme Status
    url: https://status.acme.test
    components: [api]
  - id: internal
    name: Acme Internal
    path_prefix: /internal
  - id: partners
    name: Acme Partners
    host: partners.acme.test
    components: [db]
components:
  - {id: api, name: API, group: Core}
  - {id: db, name: Database, group: Infra}
`

func TestSeveralPagesByPrefixAndHost(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		cfg := writeFile(t, "pages.yaml", twoPages)
		in := start(t, dsn(t), cfg)
		ids := func(path string, headers ...string) []string {
			sum := in.mustDo(200, "GET", path, nil, headers...)
			var out []string
			for _, c := range sum["components"].([]any) {
				m := c.(map[string]any)
				if m["group"] != true {
					out = append(out, m["id"].(string))
				}
			}
			return append(out, sum["page"].(map[string]any)["id"].(string))
		}
		if got := strings.Join(ids("/api/v2/summary.json"), " "); got != "api public" {
			t.Errorf("default page = %q, want api on public", got)
		}
		if got := strings.Join(ids("/internal/api/v2/summary.json"), " "); got != "api db internal" {
			t.Errorf("prefix page = %q, want every component on internal", got)
		}
		if got := strings.Join(ids("/api/v2/summary.json", "Host", "partners.acme.test"), " "); got != "db partners" {
			t.Errorf("host page = %q, want db on partners", got)
		}
		// An incident filed on the internal page about db shows there and
		// on the partners page (which shows db), not on the public page.
		in.createToken("t")
		in.mustDo(201, "POST", "/api/v1/incidents", map[string]any{"page_id": "internal", "name": "DB failover",
			"components": map[string]string{"db": "partial_outage"}})
		count := func(path string, headers ...string) int {
			return len(in.mustDo(200, "GET", path, nil, headers...)["incidents"].([]any))
		}
		if n := count("/api/v2/incidents.json"); n != 0 {
			t.Errorf("public page shows %d incidents, want 0", n)
		}
		if n := count("/internal/api/v2/incidents.json"); n != 1 {
			t.Errorf("internal page shows %d incidents, want 1", n)
		}
		if n := count("/api/v2/incidents.json", "Host", "partners.acme.test"); n != 1 {
			t.Errorf("partners page shows %d incidents, want 1", n)
		}
	})
}

func TestConfigErrorsNeverStartAServer(t *testing.T) {
	t.Parallel()
	bad := writeFile(t, "watchfire.yaml", `page: {name: Acme}
components:
  - {id: api, name: API}
monitors:
  - id: m1
    component: apii
    type: http
    url: https://api.acme.test/health
`)
	_, _, err := runCmd(t, nil, "config", "validate", "--config", bad)
	if err == nil || !strings.Contains(err.Error(), `watchfire.yaml:6: monitors[0].component: "apii" is not a component id`) {
		t.Fatalf("config validate error = %v, want the file:line: key: message form", err)
	}
	db := filepath.Join(t.TempDir(), "never.db")
	_, _, err = runCmd(t, nil, "serve", "--config", bad, "--database", "sqlite:"+db, "--listen", "127.0.0.1:0")
	if err == nil {
		t.Fatal("serve started with an invalid config")
	}
	if _, statErr := os.Stat(db); !errors.Is(statErr, os.ErrNotExist) {
		t.Fatalf("serve touched the database before rejecting the config: %v", statErr)
	}
	out, _, err := runCmd(t, nil, "config", "validate")
	if err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("the built-in demo config does not validate: %v %s", err, out)
	}
}

func TestFlagsBeatEnvBeatFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, "w.yaml", "database: sqlite:"+filepath.Join(dir, "file.db")+"\npage: {name: P}\n")
	env := map[string]string{"WATCHFIRE_CONFIG": cfg}
	if _, _, err := runCmd(t, env, "migrate"); err != nil {
		t.Fatal(err)
	}
	assertExists(t, filepath.Join(dir, "file.db"))

	env["WATCHFIRE_DATABASE"] = "sqlite:" + filepath.Join(dir, "env.db")
	if _, _, err := runCmd(t, env, "migrate"); err != nil {
		t.Fatal(err)
	}
	assertExists(t, filepath.Join(dir, "env.db"))

	if _, _, err := runCmd(t, env, "migrate", "--database", "sqlite:"+filepath.Join(dir, "flag.db")); err != nil {
		t.Fatal(err)
	}
	assertExists(t, filepath.Join(dir, "flag.db"))

	// The same order for the listen address: the flag wins over a bad env value.
	env["WATCHFIRE_LISTEN"] = "not-an-address"
	in := start(t, "sqlite:"+filepath.Join(dir, "serve.db"), cfg) // start passes --listen 127.0.0.1:0
	in.mustDo(200, "GET", "/healthz", nil)
	_, _, err := runCmd(t, env, "serve", "--database", "sqlite:"+filepath.Join(dir, "x.db"))
	if err == nil || !strings.Contains(err.Error(), "not-an-address") {
		t.Fatalf("WATCHFIRE_LISTEN was not used over the file: %v", err)
	}
}

func assertExists(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("expected %s to exist: %v", path, err)
	}
}

func TestDatabaseErrorsAreClear(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, _, err := runCmd(t, nil, "migrate", "--database", "sqlite:"+dir) // a directory
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("opening a directory as the database: %v, want an error naming it", err)
	}
	_, _, err = runCmd(t, nil, "migrate", "--database", "mysql://root@localhost/x")
	if err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("unsupported DSN: %v", err)
	}

	path := filepath.Join(dir, "future.db")
	if _, _, err := runCmd(t, nil, "migrate", "--database", "sqlite:"+path); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, _, err = runCmd(t, nil, "serve", "--database", "sqlite:"+path, "--listen", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("a schema newer than the binary: %v, want a clear error", err)
	}
}

func TestTokenAndVersionCommands(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "t.db")
	out, errOut, err := runCmd(t, nil, "token", "create", "--name", "ci", "--database", db)
	if err != nil {
		t.Fatal(err, errOut)
	}
	if !strings.HasPrefix(strings.TrimSpace(out), "wf_") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("token create stdout = %q, want the token alone", out)
	}
	if _, _, err := runCmd(t, nil, "token", "create", "--name", "ci", "--database", db); err == nil || !strings.Contains(err.Error(), "already") {
		t.Fatalf("a duplicate token name: %v", err)
	}
	if _, _, err := runCmd(t, nil, "token", "create", "--database", db); err == nil {
		t.Fatal("token create without --name succeeded")
	}
	out, _, err = runCmd(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "watchfire ") {
		t.Fatalf("version = %q, %v", out, err)
	}
	out, _, err = runCmd(t, nil, "--help")
	if err != nil || !strings.Contains(out, "serve") {
		t.Fatalf("--help = %q, %v", out, err)
	}
	if _, _, err := runCmd(t, nil, "frobnicate"); err == nil {
		t.Fatal("an unknown command succeeded")
	}
}

func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	in := start(t, "sqlite:"+filepath.Join(t.TempDir(), "g.db"), "")
	in.mustDo(200, "GET", "/readyz", nil)
	if err := in.stop(); err != nil {
		t.Fatalf("serve did not stop cleanly: %v", err)
	}
	if !strings.Contains(in.stderr.String(), "stopped") {
		t.Fatalf("no shutdown log line:\n%s", in.stderr.String())
	}
}

func TestDescribeShowsTheMessageNotTheDriver(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	if _, _, err := runCmd(t, nil, "token", "create", "--name", "ci", "--database", db); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCmd(t, nil, "token", "create", "--name", "ci", "--database", db)
	if got := describe(err); got != `conflict: token "ci" already exists` && got != `token "ci" already exists` {
		t.Fatalf("describe = %q, want the conflict message without driver detail", got)
	}
}

func TestMigrateCheckCreatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	if _, _, err := runCmd(t, nil, "migrate", "--check", "--database", "sqlite:"+path); err == nil {
		t.Fatal("migrate --check succeeded on a missing database")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("migrate --check created %s", path)
	}
	if _, _, err := runCmd(t, nil, "migrate", "--database", "sqlite:"+path); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, nil, "migrate", "--check", "--database", "sqlite:"+path)
	if err != nil || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate --check on a current database: %q %v", out, err)
	}
}
