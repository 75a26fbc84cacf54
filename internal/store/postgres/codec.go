package postgres

import (
	"encoding/json"

	"github.com/watchfire-status/watchfire"
)

// Timestamps need no codec here: pgx stores the instant of any time.Time
// in a TIMESTAMPTZ, and Open registers a codec that scans them in UTC.

// encodeIDs stores an ordered id list as a JSON array; nil becomes [].
// pgx passes a string to a JSONB parameter as JSON text.
func encodeIDs(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids) // a []string always marshals
	return string(b)
}

// affectedComponent is the stored JSON shape of watchfire.AffectedComponent;
// its own tags keep the stored format independent of Go field names.
type affectedComponent struct {
	ComponentID string                    `json:"component_id"`
	Name        string                    `json:"name"`
	OldStatus   watchfire.ComponentStatus `json:"old_status"`
	NewStatus   watchfire.ComponentStatus `json:"new_status"`
}

func encodeAffected(acs []watchfire.AffectedComponent) string {
	stored := make([]affectedComponent, len(acs))
	for i, ac := range acs {
		stored[i] = affectedComponent(ac)
	}
	b, _ := json.Marshal(stored) // plain strings always marshal
	return string(b)
}

func decodeAffected(stored []affectedComponent) []watchfire.AffectedComponent {
	if len(stored) == 0 {
		return nil
	}
	acs := make([]watchfire.AffectedComponent, len(stored))
	for i, ac := range stored {
		acs[i] = watchfire.AffectedComponent(ac)
	}
	return acs
}

// nilIfEmpty makes an empty decoded list nil, as the domain treats both alike.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
