package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// parse reads the single YAML document in data and returns its root node,
// nil for an empty file.
func parse(file string, data []byte) (*yaml.Node, *Error) {
	docs, err := parseDocs(data)
	if err != nil {
		line, msg := syntaxLine(data, err)
		return nil, &Error{File: file, Line: line, Msg: msg}
	}
	var root *yaml.Node
	for _, doc := range docs {
		if len(doc.Content) == 0 || isNull(doc.Content[0]) {
			continue // an empty document, e.g. after a trailing "---"
		}
		if root != nil {
			return nil, &Error{File: file, Line: doc.Line,
				Msg: "a second YAML document; a config file holds one (remove the \"---\")"}
		}
		root = doc.Content[0]
	}
	return root, nil
}

func parseDocs(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// syntaxLine finds the line of a YAML syntax error. The parser's own line
// is unreliable: scanner errors count from 1, parser errors report the
// 0-based start of the enclosing block and drop "line 0", and anchor
// errors have none. So re-parse growing prefixes of the file, starting at
// the earliest line the error can be on, until the same error appears.
func syntaxLine(data []byte, err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		reported, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	start := 1
	if strings.HasPrefix(msg, "did not find expected") {
		start = reported + 1 // parser error: the line is 0-based
	} else if reported > 0 {
		start = reported // scanner error: exact
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	line := start
	for k := start; k <= len(lines) && k < start+2000; k++ {
		_, perr := parseDocs(bytes.Join(lines[:k], nil))
		if perr != nil && stripLine(perr) == msg {
			line = k
			break
		}
	}
	if strings.Contains(msg, "cannot start any token") && line <= len(lines) &&
		bytes.HasPrefix(bytes.TrimLeft(lines[line-1], " "), []byte("\t")) {
		msg += "; indent with spaces, not tabs"
	}
	return line, msg
}

func stripLine(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		return m[2]
	}
	return msg
}

// decoder fills a value from a node tree by reflection, following yaml
// struct tags. Unlike node.Decode it rejects unknown keys, keeps going
// after an error so that every problem is reported, and records the line
// of each value by key path.
type decoder struct {
	file  string
	lines map[string]int
	errs  []Error
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, Error{File: d.file, Line: n.Line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func reflectValue(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }

var durationType = reflect.TypeFor[Duration]()

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	d.lines[path] = n.Line // where the user wrote it, even if it is an alias
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if isNull(n) {
		return // "key:" with no value leaves the zero value; Validate decides
	}
	t := v.Type()
	switch {
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "expected a duration such as 30s, got %s", describe(n))
			return
		}
		dur, err := time.ParseDuration(n.Value)
		if err != nil {
			d.fail(n, path, "%q is not a duration; %s", n.Value, durationHint)
			return
		}
		v.Set(reflect.ValueOf(Duration(dur)))
	case t.Kind() == reflect.Pointer:
		e := reflect.New(t.Elem())
		d.decode(n, e.Elem(), path)
		v.Set(e)
	case t.Kind() == reflect.Struct:
		d.structure(n, v, path)
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "expected a list, got %s; write [a, b] or one \"- item\" per line", describe(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case t.Kind() == reflect.Map:
		d.dictionary(n, v, path)
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "expected a string, got %s", describe(n))
			return
		}
		v.SetString(n.Value) // numbers and booleans read as their text
	case t.Kind() == reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			d.fail(n, path, "expected true or false, got %s", describe(n))
			return
		}
		v.SetBool(b)
	case t.Kind() == reflect.Int:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil || v.OverflowInt(i) {
			d.fail(n, path, "expected a whole number, got %s", describe(n))
			return
		}
		v.SetInt(i)
	case t.Kind() == reflect.Float64:
		var f float64
		tag := n.ShortTag()
		if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n, path, "expected a number, got %s", describe(n))
			return
		}
		v.SetFloat(f)
	default:
		panic("config: cannot decode into " + t.String()) // a new field type needs a case here
	}
}

// structure decodes a mapping into a struct, rejecting unknown keys.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping (key: value lines), got %s", describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	// Merge keys ("<<: *defaults") first: YAML lets explicit keys win.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].ShortTag() == "!!merge" {
			d.merge(n.Content[i+1], v, path)
		}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "keys must be plain names, got %s", describe(k))
			continue
		}
		p := joinPath(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.fail(k, p, "key given twice (first on line %d); keep one", first)
			continue
		}
		seen[k.Value] = k.Line
		idx := -1
		for _, f := range fields {
			if f.key == k.Value {
				idx = f.index
			}
		}
		if idx < 0 {
			d.lines[p] = k.Line
			d.fail(k, p, "unknown key; known keys: %s", keyList(fields))
			continue
		}
		fv := v.Field(idx)
		fv.Set(reflect.Zero(fv.Type())) // replace, never merge with, a merged-in value
		d.decode(val, fv, p)
	}
}

func (d *decoder) merge(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		d.structure(n, v, path)
	case yaml.SequenceNode:
		// Earlier mappings in the list win, so apply them last.
		for i := len(n.Content) - 1; i >= 0; i-- {
			d.merge(n.Content[i], v, path)
		}
	default:
		d.fail(n, path, "<< merges a mapping, e.g. <<: *defaults; got %s", describe(n))
	}
}

// dictionary decodes a mapping into a map with string keys (headers).
func (d *decoder) dictionary(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping (name: value lines), got %s", describe(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "keys must be plain names, got %s", describe(k))
			continue
		}
		p := joinPath(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.fail(k, p, "key given twice (first on line %d); keep one", first)
			continue
		}
		seen[k.Value] = k.Line
		e := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, e, p)
		m.SetMapIndex(reflect.ValueOf(k.Value), e)
	}
	v.Set(m)
}

type field struct {
	key   string
	index int
}

// fieldsOf lists a struct's exported fields by yaml key, in declaration
// order (the order "known keys" are listed in).
func fieldsOf(t reflect.Type) []field {
	var fields []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "-" {
			continue
		}
		if key == "" {
			key = strings.ToLower(f.Name)
		}
		fields = append(fields, field{key, i})
	}
	return fields
}

func keyList(fields []field) string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	return strings.Join(keys, ", ")
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what the user wrote, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return strconv.Quote(v)
	}
	return "nothing"
}
