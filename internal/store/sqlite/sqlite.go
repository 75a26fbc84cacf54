// Package sqlite stores Watchfire's state in one SQLite file through
// modernc.org/sqlite (pure Go). The file is in WAL mode; one writer
// connection serializes every write transaction, and a pool of read-only
// connections serves LoadState, Events and tokens without waiting for it.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// busyTimeout is how long a connection waits for another process's lock
// (a CLI command next to the server) before SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// DB is a Watchfire store in an SQLite file.
type DB struct {
	path       string
	writer     *sql.DB // exactly one connection: writes are serialized here
	reader     *sql.DB // query_only connections; see committed data only
	migrations *goose.Provider
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database at path. It does not
// migrate: it fails when the schema is newer than this binary knows, and
// otherwise leaves an old or empty schema for Migrate.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" {
		// Every pooled connection would get its own private memory database.
		return nil, watchfire.Errorf(watchfire.EINVALID,
			"SQLite needs a file path, not %q: pass --database sqlite:PATH", path)
	}
	common := []string{
		fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
		"foreign_keys(1)",
	}
	writer, err := sql.Open("sqlite", dsn(path, "immediate",
		append(common, "journal_mode(WAL)", "synchronous(FULL)")...))
	if err != nil {
		return nil, cannotOpen(path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)

	// Ping the writer first: it creates the file and switches it to WAL,
	// which readers cannot do under query_only.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, cannotOpen(path, err)
	}
	readers := max(4, runtime.NumCPU())
	reader, err := sql.Open("sqlite", dsn(path, "", append(common, "query_only(1)")...))
	if err != nil {
		writer.Close()
		return nil, cannotOpen(path, err)
	}
	reader.SetMaxOpenConns(readers)
	reader.SetMaxIdleConns(readers)

	migrations, err := newMigrationProvider(writer)
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, err
	}
	db := &DB{path: path, writer: writer, reader: reader, migrations: migrations}
	if err := db.checkSchemaVersion(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// dsn builds a file: URI so that any character in path is safe; every
// connection the pool opens runs the pragmas.
func dsn(path, txlock string, pragmas ...string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if txlock != "" {
		// BEGIN IMMEDIATE takes the write lock at once, so a transaction
		// that reads then writes cannot fail half-way with SQLITE_BUSY.
		q.Set("_txlock", txlock)
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func cannotOpen(path string, err error) error {
	return &watchfire.Error{
		Code: watchfire.EUNAVAILABLE,
		Message: fmt.Sprintf("cannot open the SQLite database %q: check that it is a file "+
			"(or a new name) in an existing, writable directory, or point --database at another file", path),
		Err: err,
	}
}

// Close releases both pools.
func (db *DB) Close() error {
	werr := db.writer.Close()
	rerr := db.reader.Close()
	if werr != nil {
		return werr
	}
	return rerr
}

// Ping checks that the file can still be read.
func (db *DB) Ping(ctx context.Context) error {
	var tables int
	if err := db.reader.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return cannotOpen(db.path, err)
	}
	return nil
}

// Update runs fn in a write transaction on the single writer connection.
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return interpretError(err, "starting a write transaction")
	}
	// A no-op after Commit; otherwise it undoes fn's writes, also when fn
	// panics.
	defer sqlTx.Rollback()
	if err := fn(&tx{q: sqlTx}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return interpretError(err, "committing a write transaction")
	}
	return nil
}

// LoadState reads from one read transaction, so the state is a consistent
// snapshot of committed data.
func (db *DB) LoadState(ctx context.Context) (*watchfire.State, error) {
	var st *watchfire.State
	err := db.read(ctx, func(q queryer) (err error) {
		st, err = loadState(ctx, q, store.HistoryLimit)
		return err
	})
	return st, err
}

// queryer is what reads and writes need: a *sql.Tx or a *sql.DB.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
