package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

func TestPanicBecomesA500AndIsLogged(t *testing.T) {
	var logs, access bytes.Buffer
	s := New(Deps{Log: slog.New(slog.NewTextHandler(&logs, nil)), AccessLog: slog.New(slog.NewTextHandler(&access, nil))})
	h := s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != watchfire.EINTERNAL {
		t.Fatalf("body = %s, want an internal JSON error", rec.Body)
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Fatal("the panic value leaked to the client")
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "stack=") {
		t.Fatalf("the panic was not logged with its stack:\n%s", logs.String())
	}
	if !strings.Contains(access.String(), "status=500") {
		t.Fatalf("the access log misses the 500:\n%s", access.String())
	}
}

func TestInternalErrorsHideTheirCause(t *testing.T) {
	var logs bytes.Buffer
	rec := httptest.NewRecorder()
	writeError(rec, httptest.NewRequest("GET", "/", nil), slog.New(slog.NewTextHandler(&logs, nil)),
		&watchfire.Error{Code: watchfire.EUNAVAILABLE, Message: "the database is not reachable", Err: errSecret})
	if rec.Code != 503 || strings.Contains(rec.Body.String(), "10.0.0.7") {
		t.Fatalf("%d %s: want 503 without the cause", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "10.0.0.7") {
		t.Fatal("the cause was not logged for the operator")
	}
}

var errSecret = &watchfire.Error{Code: watchfire.EINTERNAL, Message: "dial tcp 10.0.0.7:5432: refused"}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                       false,
		"gzip":                   true,
		"GZIP":                   true,
		"br, gzip;q=0.5":         true,
		"gzip;q=0":               false,
		"gzip; q=0.0":            false,
		"deflate, br":            false,
		"identity, gzip ;q=1.0 ": true,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Accept-Encoding", header)
		}
		if got := acceptsGzip(r); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

func TestETagMatch(t *testing.T) {
	doc := snapshot.NewDoc([]byte(`{"a":1}`), "application/json")
	for inm, want := range map[string]bool{
		doc.ETag:                    true,
		doc.GzipETag():              true,
		"W/" + doc.ETag:             true,
		`"other", ` + doc.ETag:      true,
		"*":                         true,
		`"other"`:                   false,
		strings.Trim(doc.ETag, `"`): false,
	} {
		if got := etagMatch(inm, doc); got != want {
			t.Errorf("etagMatch(%q) = %v, want %v", inm, got, want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	type target struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	tests := []struct {
		body, ct, code, message string
	}{
		{`{"name":"x"}`, "application/json", "", ""},
		{`{"name":"x"}`, "application/merge-patch+json", "", ""},
		{`{"name":"x"}`, "", "", ""},
		{``, "application/json", watchfire.EINVALID, "empty"},
		{`{"name":`, "application/json", watchfire.EINVALID, "ends in the middle"},
		{`{"name" "x"}`, "application/json", watchfire.EINVALID, "malformed JSON at byte"},
		{`{"count":"many"}`, "application/json", watchfire.EINVALID, "count: expected a number"},
		{`[1,2]`, "application/json", watchfire.EINVALID, "must be a JSON object"},
		{`{"nme":"x"}`, "application/json", watchfire.EINVALID, `unknown field "nme"`},
		{`{"name":"x"}{}`, "application/json", watchfire.EINVALID, "more than one"},
		{`name=x`, "text/plain", codeUnsupportedMedia, "application/json"},
		{`{"name":"` + strings.Repeat("x", maxBody) + `"}`, "application/json", watchfire.ETOOLARGE, "larger than"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
		if tt.ct != "" {
			r.Header.Set("Content-Type", tt.ct)
		}
		var v target
		err := decode(httptest.NewRecorder(), r, &v)
		if tt.code == "" {
			if err != nil {
				t.Errorf("decode(%.30q) = %v, want success", tt.body, err)
			}
			continue
		}
		if watchfire.ErrorCode(err) != tt.code || !strings.Contains(watchfire.ErrorMessage(err), tt.message) {
			t.Errorf("decode(%.30q) = %v, want code %s with %q", tt.body, err, tt.code, tt.message)
		}
	}
}
