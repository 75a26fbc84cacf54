package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

const eventInsertColumns = `received_at, occurred_at, source, provider, page_id, product, component_id,
	component_name, kind, old_status, new_status, incident_id, incident_title, incident_status,
	incident_impact, message, raw_ref`

// Events lists committed events: newest first, or oldest first after
// filter.AfterID for replay.
func (db *DB) Events(ctx context.Context, filter watchfire.EventFilter) ([]watchfire.Event, error) {
	var where []string
	var args []any
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if filter.Source != "" {
		where = append(where, "source = "+param(filter.Source))
	}
	if filter.Provider != "" {
		where = append(where, "provider = "+param(filter.Provider))
	}
	if filter.PageID != "" {
		where = append(where, "page_id = "+param(filter.PageID))
	}
	if !filter.Since.IsZero() {
		where = append(where, "received_at >= "+param(filter.Since))
	}
	order := "id DESC"
	if filter.AfterID > 0 {
		where = append(where, "id > "+param(filter.AfterID))
		order = "id ASC"
	}
	query := `SELECT id, ` + eventInsertColumns + ` FROM events`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY ` + order + ` LIMIT ` + param(store.EventLimit(filter.Limit))

	events, err := queryAll(ctx, db.pool, scanEvent, query, args...)
	if err != nil {
		return nil, interpretError(err, "reading events")
	}
	return events, nil
}

func scanEvent(s scanner) (watchfire.Event, error) {
	var e watchfire.Event
	err := s.Scan(&e.ID, &e.ReceivedAt, &e.OccurredAt, &e.Source, &e.Provider,
		&e.PageID, &e.Product, &e.ComponentID, &e.ComponentName, &e.Kind, &e.OldStatus, &e.NewStatus,
		&e.IncidentID, &e.IncidentTitle, &e.IncidentStatus, &e.IncidentImpact, &e.Message, &e.RawRef)
	return e, err
}
