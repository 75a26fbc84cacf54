// Package postgres stores Watchfire's state in PostgreSQL through pgx.
// Several replicas may share one database: every write transaction first
// takes a transaction-scoped advisory lock, so writes are serialized across
// replicas as SQLite's single writer connection serializes them in one
// process.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// writeLockID is the key of the advisory lock that serializes writers
// ("watchfir" in ASCII). Every replica must use the same one.
const writeLockID int64 = 0x7761746368666972

// defaultConnectTimeout bounds a connection attempt when the DSN sets none,
// so that an unreachable host fails instead of hanging.
const defaultConnectTimeout = 10 * time.Second

// DB is a Watchfire store in a PostgreSQL database (the schema that the
// DSN's search_path selects).
type DB struct {
	server     string // host:port and database, for messages
	pool       *pgxpool.Pool
	sqlDB      *sql.DB       // the pool through database/sql, for goose
	writer     chan struct{} // one write transaction at a time in this process
	migrations *goose.Provider
}

var _ store.Store = (*DB)(nil)

// Open connects to the database named by dsn (a postgres:// URL or
// key=value string). It does not migrate: it fails when the schema is newer
// than this binary knows, and otherwise leaves an old or empty schema for
// Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts passwords from parse errors on a best-effort basis, so
		// the cause goes to Err, for the logs, and not to the message.
		return nil, &watchfire.Error{Code: watchfire.EINVALID, Err: err,
			Message: "cannot parse the PostgreSQL DSN: pass --database postgres://USER@HOST:PORT/DATABASE"}
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		// Return every timestamp in UTC, whatever the session's time zone.
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	}
	server := fmt.Sprintf("%s (database %q)",
		net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port))), cfg.ConnConfig.Database)

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, unreachable(server, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unreachable(server, err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	migrations, err := newMigrationProvider(sqlDB)
	if err != nil {
		sqlDB.Close()
		pool.Close()
		return nil, err
	}
	db := &DB{server: server, pool: pool, sqlDB: sqlDB, writer: make(chan struct{}, 1), migrations: migrations}
	if err := db.checkSchemaVersion(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func unreachable(server string, err error) error {
	return &watchfire.Error{
		Code: watchfire.EUNAVAILABLE,
		Message: fmt.Sprintf("cannot reach PostgreSQL at %s: check that the server is running and that "+
			"--database names the right host, port, database and credentials", server),
		Err: err,
	}
}

// Close releases the connections.
func (db *DB) Close() error {
	err := db.sqlDB.Close()
	db.pool.Close()
	return err
}

// Ping checks that the server answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return unreachable(db.server, err)
	}
	return nil
}

// Update runs fn in a transaction holding the writers' advisory lock.
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	// Waiting here rather than on the advisory lock keeps this process's
	// writers from holding pool connections while they queue.
	select {
	case db.writer <- struct{}{}:
		defer func() { <-db.writer }()
	case <-ctx.Done():
		return ctx.Err()
	}
	pgTx, err := db.pool.Begin(ctx)
	if err != nil {
		return interpretError(err, "starting a write transaction")
	}
	// A no-op after Commit; otherwise it undoes fn's writes, also when fn
	// panics.
	defer pgTx.Rollback(ctx)
	if _, err := pgTx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLockID); err != nil {
		return interpretError(err, "waiting for other writers")
	}
	if err := fn(&tx{q: pgTx}); err != nil {
		return err
	}
	if err := pgTx.Commit(ctx); err != nil {
		return interpretError(err, "committing a write transaction")
	}
	return nil
}

// LoadState reads from one repeatable-read transaction, so the state is a
// consistent snapshot of committed data.
func (db *DB) LoadState(ctx context.Context) (*watchfire.State, error) {
	var st *watchfire.State
	err := db.read(ctx, func(q queryer) (err error) {
		st, err = loadState(ctx, q, store.HistoryLimit)
		return err
	})
	return st, err
}

// queryer is what reads and writes need: a pgx.Tx or the pool.
type queryer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
