package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchfire-status/watchfire"
)

// timeLayout is fixed-width and UTC, so that comparing stored strings
// compares instants and ORDER BY sorts by time.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func encodeTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func encodeNullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return encodeTime(*t)
}

// timeColumn scans a stored timestamp into *t.
type timeColumn struct{ t *time.Time }

func (c timeColumn) Scan(src any) error {
	s, err := text(src)
	if err != nil {
		return err
	}
	*c.t, err = time.Parse(timeLayout, s)
	return err
}

// nullTimeColumn scans a nullable timestamp into **t, leaving nil for NULL.
type nullTimeColumn struct{ t **time.Time }

func (c nullTimeColumn) Scan(src any) error {
	if src == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeColumn{&t}).Scan(src); err != nil {
		return err
	}
	*c.t = &t
	return nil
}

// jsonColumn scans a JSON text column into v.
type jsonColumn struct{ v any }

func (c jsonColumn) Scan(src any) error {
	s, err := text(src)
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(s), c.v)
}

func text(src any) (string, error) {
	switch v := src.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return "", fmt.Errorf("expected text, got %T", src)
}

var (
	_ sql.Scanner = timeColumn{}
	_ sql.Scanner = nullTimeColumn{}
	_ sql.Scanner = jsonColumn{}
)

// encodeIDs stores an ordered id list as a JSON array (nil becomes []); it
// also passes a list of ids as one parameter, read back with json_each.
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
