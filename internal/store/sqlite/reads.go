package sqlite

import (
	"context"
	"database/sql"

	"github.com/watchfire-status/watchfire"
)

// Incident reads one incident, however old, from the read pool. Its row,
// components and updates come from one read transaction, so a commit in
// between cannot tear them apart.
func (db *DB) Incident(ctx context.Context, id string) (*watchfire.Incident, error) {
	var out *watchfire.Incident
	err := db.read(ctx, func(q queryer) (err error) {
		out, err = getIncident(ctx, q, id)
		return err
	})
	return out, err
}

// Maintenance reads one maintenance, however old, consistently.
func (db *DB) Maintenance(ctx context.Context, id string) (*watchfire.Maintenance, error) {
	var out *watchfire.Maintenance
	err := db.read(ctx, func(q queryer) (err error) {
		out, err = getMaintenance(ctx, q, id)
		return err
	})
	return out, err
}

// read runs fn in a read-only transaction on the read pool.
func (db *DB) read(ctx context.Context, fn func(queryer) error) error {
	readTx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return interpretError(err, "starting a read transaction")
	}
	defer readTx.Rollback()
	return fn(readTx)
}
