package postgres

import (
	"context"

	"github.com/watchfire-status/watchfire"
)

// Incident reads one incident, however old.
func (db *DB) Incident(ctx context.Context, id string) (*watchfire.Incident, error) {
	return getIncident(ctx, db.pool, id)
}

// Maintenance reads one maintenance, however old.
func (db *DB) Maintenance(ctx context.Context, id string) (*watchfire.Maintenance, error) {
	return getMaintenance(ctx, db.pool, id)
}
