package sqlite

import (
	"context"

	"github.com/watchfire-status/watchfire"
)

// Incident reads one incident, however old, from the read pool.
func (db *DB) Incident(ctx context.Context, id string) (*watchfire.Incident, error) {
	return getIncident(ctx, db.reader, id)
}

// Maintenance reads one maintenance, however old, from the read pool.
func (db *DB) Maintenance(ctx context.Context, id string) (*watchfire.Maintenance, error) {
	return getMaintenance(ctx, db.reader, id)
}
