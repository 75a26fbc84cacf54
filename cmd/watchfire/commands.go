package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/watchfire-status/watchfire/internal/engine"
	"github.com/watchfire-status/watchfire/internal/hub"
)

type migrateCmd struct {
	dataFlags
	Check bool `help:"Only report the schema version; change nothing. Exits 1 when a migration is pending."`
}

func (c *migrateCmd) Run(e *env) error {
	cfg, _, err := c.loadConfig(e)
	if err != nil {
		return err
	}
	dsn := c.dsn(e, cfg)
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok && c.Check {
		// --check changes nothing, so it must not create the file either.
		if _, err := os.Stat(strings.TrimPrefix(path, "//")); err != nil {
			return fmt.Errorf("no database at %s: %w", path, err)
		}
	}
	db, err := openDatabase(e.ctx, dsn, !c.Check)
	if err != nil {
		return err
	}
	defer db.Close()
	current, latest, err := db.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: schema version %d (this binary knows up to %d)\n", redact(dsn), current, latest)
	if c.Check && current < latest {
		return fmt.Errorf("%d migration(s) pending; run 'watchfire migrate'", latest-current)
	}
	return nil
}

type configValidateCmd struct {
	dataFlags
}

func (c *configValidateCmd) Run(e *env) error {
	cfg, source, err := c.loadConfig(e)
	if err != nil {
		return err
	}
	pages, _, components := cfg.Domain()
	fmt.Fprintf(e.stdout, "%s: OK (%d page(s), %d component(s), %d monitor(s), %d dependenc(ies))\n",
		source, len(pages), len(components), len(cfg.Monitors), len(cfg.Dependencies))
	return nil
}

type tokenCreateCmd struct {
	dataFlags
	Name string `help:"Who or what will use the token, e.g. ci or oncall-bot." required:""`
}

func (c *tokenCreateCmd) Run(e *env) error {
	cfg, _, err := c.loadConfig(e)
	if err != nil {
		return err
	}
	db, err := openDatabase(e.ctx, c.dsn(e, cfg), true)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, t, err := engine.New(db, hub.New(), nil, e.log).CreateToken(e.ctx, c.Name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Created API token %q (id %s). It is shown once and stored only as a hash; keep it now.\n", t.Name, t.ID)
	fmt.Fprintln(e.stdout, secret)
	return nil
}

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	fmt.Fprintln(e.stdout, "watchfire", versionString())
	return nil
}

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return "dev"
	}
	return "dev-" + rev + dirty
}
