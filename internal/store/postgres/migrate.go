package postgres

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/watchfire-status/watchfire"
)

//go:embed migrations/*.sql
var embeddedMigrations embed.FS

func newMigrationProvider(sqlDB *sql.DB) (*goose.Provider, error) {
	migrations, err := fs.Sub(embeddedMigrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, sqlDB, migrations,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSessionLocker(migrationLock{}),
		goose.WithLogger(goose.NopLogger()))
}

// Migrate applies every embedded migration the database lacks. It holds the
// writers' advisory lock meanwhile: replicas starting together migrate one
// after the other, and no write lands in a half-migrated schema.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.migrations.Up(ctx); err != nil {
		return interpretError(err, "migrating the database schema")
	}
	return nil
}

// migrationLock is a goose.SessionLocker on the writers' advisory lock. It
// blocks until the lock is free instead of polling, as goose's own does.
type migrationLock struct{}

func (migrationLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, writeLockID)
	return err
}

func (migrationLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, writeLockID)
	return err
}

// SchemaVersion returns the database's schema version (0 when empty) and
// the newest version this binary embeds. It reads goose's version table
// itself, because asking goose would create the table: SchemaVersion and
// Open must not write.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	sources := db.migrations.ListSources()
	latest = sources[len(sources)-1].Version

	var exists bool
	// to_regclass resolves the name through search_path, as goose does.
	err = db.pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, goose.DefaultTablename).Scan(&exists)
	if err != nil {
		return 0, latest, interpretError(err, "reading the schema version")
	}
	if !exists {
		return 0, latest, nil
	}
	err = db.pool.QueryRow(ctx,
		`SELECT coalesce(max(version_id), 0) FROM `+goose.DefaultTablename).Scan(&current)
	if err != nil {
		return 0, latest, interpretError(err, "reading the schema version")
	}
	return current, latest, nil
}

// checkSchemaVersion refuses a database that a newer binary migrated: this
// one would misread its tables.
func (db *DB) checkSchemaVersion(ctx context.Context) error {
	current, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > latest {
		return watchfire.Errorf(watchfire.ECONFLICT,
			"database schema version %d is newer than this watchfire binary supports (%d); "+
				"upgrade watchfire or point --database at another database", current, latest)
	}
	return nil
}
