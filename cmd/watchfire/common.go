package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/watchfire-status/watchfire/examples"
	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/store"
	"github.com/watchfire-status/watchfire/internal/store/postgres"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

// database is a store that can also manage its schema.
type database interface {
	store.Store
	Migrate(ctx context.Context) error
	SchemaVersion(ctx context.Context) (current, latest int64, err error)
}

// configPath is the config file in use, "" for the built-in demo.
func (f *dataFlags) configPath(e *env) string {
	return firstNonEmpty(f.Config, e.getenv("WATCHFIRE_CONFIG"))
}

// loadConfig reads the config named by --config, else WATCHFIRE_CONFIG,
// else the built-in demo. A config with errors is an error: nothing starts.
func (f *dataFlags) loadConfig(e *env) (*config.Config, string, error) {
	path := firstNonEmpty(f.Config, e.getenv("WATCHFIRE_CONFIG"))
	if path == "" {
		cfg, err := config.Load(examples.DemoConfigName, examples.DemoConfig)
		return cfg, "the built-in demo config", err
	}
	cfg, err := config.LoadFile(path)
	return cfg, path, err
}

// dsn picks the database: --database, else WATCHFIRE_DATABASE, else the
// config's, else the default.
func (f *dataFlags) dsn(e *env, cfg *config.Config) string {
	var fromFile string
	if cfg != nil {
		fromFile = cfg.Database
	}
	return firstNonEmpty(f.Database, e.getenv("WATCHFIRE_DATABASE"), fromFile, "sqlite:watchfire.db")
}

// openDatabase opens the store a DSN names and brings its schema up to
// date. A schema newer than this binary is an error from Open.
func openDatabase(ctx context.Context, dsn string, migrate bool) (database, error) {
	var (
		db  database
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("database %q names no file; use sqlite:PATH, e.g. sqlite:watchfire.db", dsn)
		}
		db, err = sqlite.Open(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err = postgres.Open(ctx, dsn)
	default:
		return nil, fmt.Errorf("database %q is not supported; use sqlite:PATH or postgres://USER@HOST/DB", redact(dsn))
	}
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("migrating the database schema: %w", err)
		}
	}
	return db, nil
}

// redact hides a password in a DSN before it is printed.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	creds := dsn[scheme+3 : at]
	if user, _, ok := strings.Cut(creds, ":"); ok {
		return dsn[:scheme+3] + user + ":xxxxx" + dsn[at:]
	}
	return dsn
}
