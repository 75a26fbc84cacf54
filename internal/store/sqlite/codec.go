package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
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
