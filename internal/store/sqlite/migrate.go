package sqlite

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

func newMigrationProvider(writer *sql.DB) (*goose.Provider, error) {
	migrations, err := fs.Sub(embeddedMigrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, writer, migrations,
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()))
}

// Migrate applies every embedded migration the database lacks. It runs on
// the writer connection, so it waits for writes in progress.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.migrations.Up(ctx); err != nil {
		return interpretError(err, "migrating the database schema")
	}
	return nil
}

// SchemaVersion returns the database's schema version (0 when empty) and
// the newest version this binary embeds. It reads goose's version table
// itself, because asking goose would create the table: SchemaVersion and
// Open must not write.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	sources := db.migrations.ListSources()
	latest = sources[len(sources)-1].Version

	var tables int
	err = db.reader.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
		goose.DefaultTablename).Scan(&tables)
	if err != nil {
		return 0, latest, interpretError(err, "reading the schema version")
	}
	if tables == 0 {
		return 0, latest, nil
	}
	err = db.reader.QueryRowContext(ctx,
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
