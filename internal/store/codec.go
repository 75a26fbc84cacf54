package store

import (
	"encoding/json"

	"github.com/watchfire-status/watchfire"
)

// The JSON that both stores keep in their JSON columns. One definition, so
// a row means the same on SQLite and PostgreSQL and data can move between
// them.

// EncodeIDs stores an ordered id list as a JSON array; nil becomes [].
func EncodeIDs(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids) // a []string always marshals
	return string(b)
}

// AffectedJSON is the stored shape of watchfire.AffectedComponent; its own
// tags keep the stored format independent of Go field names.
type AffectedJSON struct {
	ComponentID string                    `json:"component_id"`
	Name        string                    `json:"name"`
	OldStatus   watchfire.ComponentStatus `json:"old_status"`
	NewStatus   watchfire.ComponentStatus `json:"new_status"`
}

// EncodeAffected returns the stored JSON of an update's affected components.
func EncodeAffected(acs []watchfire.AffectedComponent) string {
	stored := make([]AffectedJSON, len(acs))
	for i, ac := range acs {
		stored[i] = AffectedJSON(ac)
	}
	b, _ := json.Marshal(stored) // plain strings always marshal
	return string(b)
}

// DecodeAffected turns stored affected components back into the domain's.
func DecodeAffected(stored []AffectedJSON) []watchfire.AffectedComponent {
	if len(stored) == 0 {
		return nil
	}
	acs := make([]watchfire.AffectedComponent, len(stored))
	for i, ac := range stored {
		acs[i] = watchfire.AffectedComponent(ac)
	}
	return acs
}

// NilIfEmpty makes an empty decoded list nil, as the domain treats both alike.
func NilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
