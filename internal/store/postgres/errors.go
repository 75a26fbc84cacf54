package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/watchfire-status/watchfire"
)

// interpretError turns a driver error into a domain error. It is the only
// place that knows PostgreSQL's error codes. subject names what the
// statement was about, e.g. `component "api"`, and ends up in the message.
func interpretError(err error, subject string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &watchfire.Error{Code: watchfire.ENOTFOUND, Message: subject + " not found", Err: err}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch code := pgErr.Code; {
		case code == "23505": // unique_violation
			return &watchfire.Error{Code: watchfire.ECONFLICT, Message: subject + " already exists", Err: err}
		case code == "23503": // foreign_key_violation
			return &watchfire.Error{Code: watchfire.ECONFLICT,
				Message: subject + " refers to something that does not exist", Err: err}
		case code == "40001", code == "40P01", code == "55P03": // serialization, deadlock, lock not available
			return &watchfire.Error{Code: watchfire.EUNAVAILABLE,
				Message: "the database is busy with another writer; try again", Err: err}
		case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"), strings.HasPrefix(code, "57P"):
			// connection exception, insufficient resources, operator intervention
			return &watchfire.Error{Code: watchfire.EUNAVAILABLE,
				Message: "PostgreSQL is unavailable; try again, or ask the operator to check the server", Err: err}
		}
		return fmt.Errorf("postgres: %s: %w", subject, err)
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.Timeout(err) {
		return &watchfire.Error{Code: watchfire.EUNAVAILABLE,
			Message: "cannot reach PostgreSQL; try again, or ask the operator to check the server", Err: err}
	}
	return fmt.Errorf("postgres: %s: %w", subject, err)
}

// notFound is for writes that matched no row.
func notFound(subject string) error {
	return watchfire.Errorf(watchfire.ENOTFOUND, "%s not found", subject)
}
