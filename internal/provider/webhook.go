package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// webhookError is a webhook payload an adapter cannot map: its message
// names the adapter and says what to fix, and it wraps ErrFormat without
// repeating ErrFormat's words, since the gateway stores the message for
// people to read.
type webhookError struct{ msg string }

func (e *webhookError) Error() string        { return e.msg }
func (e *webhookError) Is(target error) bool { return target == ErrFormat }

// WebhookFormatf returns an error wrapping ErrFormat whose message is
// "adapter: " and the formatted reason, e.g. `generic: "product" is
// required`.
func WebhookFormatf(adapter, format string, args ...any) error {
	return &webhookError{msg: adapter + ": " + fmt.Sprintf(format, args...)}
}

// DecodeWebhook decodes a webhook payload, which must be one JSON object,
// into v. Every failure wraps ErrFormat (a delivery that does not decode
// maps to nothing) and says what was wrong, prefixed with the adapter's
// name.
func DecodeWebhook(adapter string, body []byte, v any) error {
	text, err := Text(body)
	if err != nil {
		return WebhookFormatf(adapter, "%v", err)
	}
	switch c := firstByte(text); c {
	case '{':
	case 0:
		return WebhookFormatf(adapter, "the body is empty; a JSON object was expected")
	case '[':
		return WebhookFormatf(adapter, "the body is a JSON array; one JSON object was expected")
	default:
		return WebhookFormatf(adapter, "the body is not a JSON object (it starts with %q)", c)
	}
	err = json.Unmarshal(text, v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax) && strings.Contains(syntax.Error(), "unexpected end"):
		return WebhookFormatf(adapter, "the JSON ends early, after %d bytes: the body was cut short", len(text))
	case errors.As(err, &syntax):
		return WebhookFormatf(adapter, "the JSON is invalid at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ) && typ.Field != "":
		return WebhookFormatf(adapter, "%q is a JSON %s where %s was expected", typ.Field, typ.Value, jsonKind(typ.Type))
	case errors.As(err, &typ):
		return WebhookFormatf(adapter, "a JSON %s where %s was expected", typ.Value, jsonKind(typ.Type))
	}
	return WebhookFormatf(adapter, "decoding JSON: %v", err)
}

// jsonKind names the JSON a Go type decodes from, for error messages.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another value"
}

// WebhookTime parses a webhook timestamp (see Time) in UTC; what names
// the field in the error.
func WebhookTime(adapter, what, s string) (time.Time, error) {
	t, err := Time(s)
	if err != nil {
		return time.Time{}, WebhookFormatf(adapter, "%s: %v", what, err)
	}
	if t.IsZero() {
		return t, nil
	}
	return t.UTC(), nil
}

// LenientTime parses a vendor timestamp in UTC, the zero time when it is
// missing or unreadable: a vendor's odd date should not cost the status
// change it came with.
func LenientTime(s string) time.Time {
	t, err := Time(s)
	if err != nil || t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// Newest returns the index of the entry whose time is the latest, the
// first one among equals (vendors list timelines newest first), -1 for
// none. at returns the i-th entry's time, zero when unknown.
func Newest(n int, at func(i int) time.Time) int {
	best := -1
	var bestAt time.Time
	for i := 0; i < n; i++ {
		t := at(i)
		if best < 0 || t.After(bestAt) {
			best, bestAt = i, t
		}
	}
	return best
}
