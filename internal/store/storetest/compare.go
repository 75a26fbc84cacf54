package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// assertEqual compares what the store returned with what was written. Times
// are compared to the microsecond (PostgreSQL's precision) and must come
// back in UTC; empty slices equal nil.
func assertEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	var diffs []string
	diff(what, normalize(reflect.ValueOf(got), false), normalize(reflect.ValueOf(want), true), &diffs)
	if len(diffs) > 0 {
		t.Errorf("%s differs from what was written:\n\t%s", what, strings.Join(diffs, "\n\t"))
	}
}

// normalize returns a deep copy of v with times truncated to microseconds
// (and converted to UTC when toUTC) and empty slices made nil.
func normalize(v reflect.Value, toUTC bool) reflect.Value {
	if v.Type() == timeType {
		tm := v.Interface().(time.Time).Truncate(time.Microsecond)
		if toUTC {
			tm = tm.UTC()
		}
		return reflect.ValueOf(tm)
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(normalize(v.Elem(), toUTC))
		return p
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(normalize(v.Index(i), toUTC))
		}
		return s
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			s.Field(i).Set(normalize(v.Field(i), toUTC))
		}
		return s
	}
	return v
}

// diff appends a line per differing leaf, named by its path.
func diff(path string, got, want reflect.Value, out *[]string) {
	if got.Type() == timeType {
		g, w := got.Interface().(time.Time), want.Interface().(time.Time)
		if g != w { // == also compares the location: it must be UTC
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", path, showTime(g), showTime(w)))
		}
		return
	}
	switch got.Kind() {
	case reflect.Pointer:
		if got.IsNil() || want.IsNil() {
			if got.IsNil() != want.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: got %s, want %s", path, show(got), show(want)))
			}
			return
		}
		diff(path, got.Elem(), want.Elem(), out)
	case reflect.Slice:
		if got.Len() != want.Len() {
			*out = append(*out, fmt.Sprintf("%s: got %d elements, want %d", path, got.Len(), want.Len()))
		}
		for i := range min(got.Len(), want.Len()) {
			diff(fmt.Sprintf("%s[%d]", path, i), got.Index(i), want.Index(i), out)
		}
	case reflect.Struct:
		for i := range got.NumField() {
			diff(path+"."+got.Type().Field(i).Name, got.Field(i), want.Field(i), out)
		}
	default:
		if !reflect.DeepEqual(got.Interface(), want.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: got %#v, want %#v", path, got.Interface(), want.Interface()))
		}
	}
}

func show(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	if v.Elem().Type() == timeType {
		return showTime(v.Elem().Interface().(time.Time))
	}
	return fmt.Sprintf("%+v", v.Elem().Interface())
}

func showTime(t time.Time) string {
	return t.Format(time.RFC3339Nano) + " (" + t.Location().String() + ")"
}

// assertUTC reports every time in v whose location is not UTC.
func assertUTC(t *testing.T, what string, v any) {
	t.Helper()
	var bad []string
	walkTimes(what, reflect.ValueOf(v), func(path string, tm time.Time) {
		if tm.Location() != time.UTC {
			bad = append(bad, path+": "+showTime(tm))
		}
	})
	if len(bad) > 0 {
		t.Errorf("%s has times that are not UTC:\n\t%s", what, strings.Join(bad, "\n\t"))
	}
}

func walkTimes(path string, v reflect.Value, visit func(string, time.Time)) {
	if v.Type() == timeType {
		visit(path, v.Interface().(time.Time))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkTimes(path, v.Elem(), visit)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkTimes(fmt.Sprintf("%s[%d]", path, i), v.Index(i), visit)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			walkTimes(path+"."+v.Type().Field(i).Name, v.Field(i), visit)
		}
	}
}
