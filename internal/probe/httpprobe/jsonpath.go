package httpprobe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jsonPath is a parsed expect.json_path: dotted keys and [index] steps
// from the document's root, as in $.data.items[0].state (the leading "$"
// and "." are optional: data.items[0].state is the same path). Keys are
// taken literally up to the next "." or "["; there is no quoting,
// wildcard or filter.
type jsonPath struct {
	steps []step
	text  string // normalized, for reasons: $.data.items[0].state
}

type step struct {
	key   string
	index int // when key == "" (and isIndex)
	isIdx bool
}

func parseJSONPath(raw string) (*jsonPath, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("empty JSON path")
	}
	s = strings.TrimPrefix(s, "$")
	p := &jsonPath{}
	for first := true; s != ""; first = false {
		switch {
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("JSON path %q: [ without ]", raw)
			}
			n, err := strconv.Atoi(s[1:end])
			if err != nil || n < 0 || strings.HasPrefix(s[1:end], "+") {
				return nil, fmt.Errorf("JSON path %q: %q is not an array index; use [0], [1], …", raw, s[1:end])
			}
			p.steps = append(p.steps, step{index: n, isIdx: true})
			s = s[end+1:]
		case s[0] == '.' || first:
			if s[0] == '.' {
				s = s[1:]
			}
			end := strings.IndexAny(s, ".[]")
			if end < 0 {
				end = len(s)
			}
			if end == 0 {
				return nil, fmt.Errorf("JSON path %q: empty key", raw)
			}
			p.steps = append(p.steps, step{key: s[:end]})
			s = s[end:]
		default:
			return nil, fmt.Errorf("JSON path %q: unexpected %q; use dotted keys and [index], e.g. $.data.items[0].state", raw, s[:1])
		}
	}
	p.text = p.render(len(p.steps))
	return p, nil
}

// render writes the first n steps as $.a.b[0].
func (p *jsonPath) render(n int) string {
	var b strings.Builder
	b.WriteString("$")
	for _, st := range p.steps[:n] {
		if st.isIdx {
			fmt.Fprintf(&b, "[%d]", st.index)
		} else {
			b.WriteString(".")
			b.WriteString(st.key)
		}
	}
	return b.String()
}

// check evaluates the path on a JSON body. With want == "" the value
// only has to be present (null counts as present); otherwise its string
// form (see text) must equal want, or, for a number, be the same number
// (json_value "1" matches 1.0). It returns the reason the check fails,
// or "".
func (p *jsonPath) check(body []byte, want string) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Sprintf("body is not JSON (%s), so %s cannot be checked", jsonErr(err), p.text)
	}
	v := doc
	for i, st := range p.steps {
		parent := p.render(i)
		switch x := v.(type) {
		case map[string]any:
			if st.isIdx {
				return fmt.Sprintf("%s not found: %s is an object, not an array", p.text, parent)
			}
			next, ok := x[st.key]
			if !ok {
				if i == 0 {
					return fmt.Sprintf("%s not found in the body", p.text)
				}
				return fmt.Sprintf("%s not found: %s has no key %q", p.text, parent, st.key)
			}
			v = next
		case []any:
			if !st.isIdx {
				return fmt.Sprintf("%s not found: %s is an array, not an object", p.text, parent)
			}
			if st.index >= len(x) {
				return fmt.Sprintf("%s not found: %s has %d elements", p.text, parent, len(x))
			}
			v = x[st.index]
		default:
			return fmt.Sprintf("%s not found: %s is %s", p.text, parent, kind(v))
		}
	}
	if want == "" {
		return ""
	}
	got := text(v)
	if got == want {
		return ""
	}
	if n, ok := v.(json.Number); ok {
		a, err1 := strconv.ParseFloat(string(n), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(want), 64)
		if err1 == nil && err2 == nil && a == b {
			return ""
		}
	}
	return fmt.Sprintf("%s is %s, expected %q", p.text, shown(v), want)
}

// text is the string form a value is compared in: a string unquoted,
// numbers, booleans and null as their JSON text, objects and arrays as
// compact JSON.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// shown is a value as a reason shows it: JSON text, cut at 60 bytes.
func shown(v any) string {
	var s string
	if str, ok := v.(string); ok {
		s = strconv.Quote(str)
	} else {
		s = text(v)
	}
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:57], "") + "…"
	}
	return s
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a value"
}

func jsonErr(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	}
	switch {
	case errors.Is(err, io.EOF):
		return "empty body"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends too soon"
	}
	return err.Error()
}
