package live

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/watchfire-status/watchfire"
)

// EventJSON is an event as the native API shows it: one element of
// GET /api/v1/events, one SSE data line, one WebSocket message.
type EventJSON struct {
	ID             int64     `json:"id"`
	ReceivedAt     time.Time `json:"received_at"`
	OccurredAt     time.Time `json:"occurred_at"`
	Source         string    `json:"source"`
	Provider       string    `json:"provider,omitempty"`
	PageID         string    `json:"page_id,omitempty"`
	Product        string    `json:"product,omitempty"`
	ComponentID    string    `json:"component_id,omitempty"`
	ComponentName  string    `json:"component,omitempty"`
	Kind           string    `json:"kind"`
	OldStatus      string    `json:"old_status,omitempty"`
	NewStatus      string    `json:"new_status,omitempty"`
	IncidentID     string    `json:"incident_id,omitempty"`
	IncidentTitle  string    `json:"incident_title,omitempty"`
	IncidentStatus string    `json:"incident_status,omitempty"`
	IncidentImpact string    `json:"incident_impact,omitempty"`
	Message        string    `json:"message,omitempty"`
	RawRef         string    `json:"raw_ref,omitempty"`
}

// ToEventJSON converts an event. Times are UTC and cut to the microsecond,
// the precision every store keeps, so an event reads the same whether it
// comes from the hub as it is committed or from the store later.
func ToEventJSON(e *watchfire.Event) EventJSON {
	return EventJSON{
		ID: e.ID, ReceivedAt: storedTime(e.ReceivedAt), OccurredAt: storedTime(e.OccurredAt), Source: string(e.Source),
		Provider: e.Provider, PageID: e.PageID, Product: e.Product, ComponentID: e.ComponentID,
		ComponentName: e.ComponentName, Kind: string(e.Kind), OldStatus: e.OldStatus, NewStatus: e.NewStatus,
		IncidentID: e.IncidentID, IncidentTitle: e.IncidentTitle, IncidentStatus: e.IncidentStatus,
		IncidentImpact: e.IncidentImpact, Message: e.Message, RawRef: e.RawRef,
	}
}

func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// EncodeEvent returns the event's JSON without HTML escaping (the API's
// encoding: "< 100" reads as written) and without a trailing newline.
func EncodeEvent(e *watchfire.Event) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ToEventJSON(e)); err != nil {
		return nil, err // only a time outside years 0–9999
	}
	out := buf.Bytes()
	return out[:len(out)-1], nil
}
