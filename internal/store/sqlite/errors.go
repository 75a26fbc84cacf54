package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/watchfire-status/watchfire"
)

// interpretError turns a driver error into a domain error. It is the only
// place that knows SQLite's error codes. subject names what the statement
// was about, e.g. `component "api"`, and ends up in the message.
func interpretError(err error, subject string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &watchfire.Error{Code: watchfire.ENOTFOUND, Message: subject + " not found", Err: err}
	}
	var sqliteErr *sqlite.Error
	if !errors.As(err, &sqliteErr) {
		return fmt.Errorf("sqlite: %s: %w", subject, err)
	}
	switch code := sqliteErr.Code(); code {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return &watchfire.Error{Code: watchfire.ECONFLICT, Message: subject + " already exists", Err: err}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &watchfire.Error{Code: watchfire.ECONFLICT,
			Message: subject + " refers to something that does not exist", Err: err}
	default:
		switch code & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &watchfire.Error{Code: watchfire.EUNAVAILABLE,
				Message: "the database is busy with another process; try again", Err: err}
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return &watchfire.Error{Code: watchfire.EUNAVAILABLE,
				Message: "the database file cannot be read or written; check the disk and the file's permissions",
				Err:     err}
		}
	}
	return fmt.Errorf("sqlite: %s: %w", subject, err)
}

// notFound is for writes that matched no row.
func notFound(subject string) error {
	return watchfire.Errorf(watchfire.ENOTFOUND, "%s not found", subject)
}
