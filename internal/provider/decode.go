package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/watchfire-status/watchfire"
	"golang.org/x/text/encoding/unicode"
)

// Text returns the body as UTF-8: a UTF-8 byte-order mark is dropped and
// UTF-16 with a byte-order mark (AWS serves its health data that way) is
// transcoded. Anything else must already be valid UTF-8; the error says
// where it is not.
func Text(body []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		body = body[3:]
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(body)
		if err != nil {
			return nil, fmt.Errorf("the body starts with a UTF-16 byte-order mark but does not decode as UTF-16: %v", err)
		}
		return out, nil
	}
	if !utf8.Valid(body) {
		return nil, fmt.Errorf("the body is not valid UTF-8 (first bad byte at offset %d)", invalidUTF8At(body))
	}
	return body, nil
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// DecodeJSON decodes a response expected to be JSON into v, with errors
// that say what came instead: an HTML page, another content type, bytes
// that are not UTF-8, or JSON cut short.
func DecodeJSON(resp *Response, v any) error {
	if err := expectJSON(resp); err != nil {
		return err
	}
	return UnmarshalJSON(resp.Body, v)
}

// expectJSON rejects responses whose content type or first byte show they
// are not JSON. Vendors label JSON loosely (text/plain, octet-stream), so
// only types that are clearly something else are refused.
func expectJSON(resp *Response) error {
	mt, _, _ := mime.ParseMediaType(resp.ContentType)
	first := firstByte(resp.Body)
	switch {
	case mt == "text/html" || mt == "application/xhtml+xml" || (first == '<' && !strings.Contains(mt, "json")):
		return Formatf("got an HTML page (%s) where JSON was expected from %s", orUnknown(resp.ContentType), resp.URL)
	case strings.Contains(mt, "json"), mt == "", mt == "text/plain", mt == "application/octet-stream",
		mt == "text/javascript", mt == "application/javascript", mt == "application/x-javascript":
		return nil
	}
	return Formatf("got content type %s where JSON was expected from %s", resp.ContentType, resp.URL)
}

func orUnknown(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n\xef\xbb\xbf")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// UnmarshalJSON decodes JSON bytes into v with errors a person can act on.
// The bytes may carry a byte-order mark (see Text).
func UnmarshalJSON(body []byte, v any) error {
	text, err := Text(body)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return Formatf("the body is empty where JSON was expected")
	}
	if c := firstByte(text); c != '{' && c != '[' {
		if c == '<' {
			return Formatf("got HTML or XML where JSON was expected")
		}
		return Formatf("the body is not JSON (it starts with %q)", c)
	}
	err = json.Unmarshal(text, v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax) && strings.Contains(syntax.Error(), "unexpected end"):
		return fmt.Errorf("the JSON ends early, after %d bytes: the body was cut short", len(text))
	case errors.As(err, &syntax):
		return fmt.Errorf("the JSON is invalid at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ):
		return Formatf("the JSON has %s where %s was expected at %s", typ.Value, typ.Type, typ.Field)
	}
	return fmt.Errorf("decoding JSON: %w", err)
}

// Time parses the timestamp shapes vendors use: RFC 3339 with or without
// fractional seconds, and the same with a space instead of the 'T'. An
// empty string is the zero time.
func Time(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02T15:04:05Z0700", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp this provider knows", s)
}

// LocalTime parses a timestamp without a zone ("2006-01-02 15:04:05", as
// Cachet writes them) in loc, falling back to Time for zoned ones.
func LocalTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return Time(s)
}

// Later returns the later of a and b.
func Later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// LastUpdate returns the time of the latest of ups, zero for none.
func LastUpdate(ups []watchfire.UpstreamUpdate) time.Time {
	var t time.Time
	for _, u := range ups {
		t = Later(t, u.At)
	}
	return t
}
