package influxdb

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire/internal/metricsource"
	"github.com/watchfire-status/watchfire/internal/metricsource/sourcetest"
)

type request struct {
	method, path, contentType, accept, auth string
	query                                   map[string][]string
	body                                    string
}

// fake serves InfluxDB 1.x /query (JSON) and 2.x /api/v2/query (CSV).
type fake struct {
	mu     sync.Mutex
	got    request
	status int
	body   string
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.got = request{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.Header.Get("Authorization"), r.URL.Query(), string(b)}
	status, body := f.status, f.body
	f.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/query":
		w.Header().Set("Content-Type", "application/json")
	case r.Method == http.MethodPost && r.URL.Path == "/api/v2/query":
		if status == 0 || status == 200 {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
	default:
		http.NotFound(w, r)
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (f *fake) last() request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got
}

func start(t *testing.T, status int, body string) (*fake, *httptest.Server) {
	t.Helper()
	f := &fake{status: status, body: body}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func fetch(t *testing.T, spec metricsource.Spec) (metricsource.Point, error) {
	return sourcetest.Fetch(t, New, spec)
}

var wantErr = sourcetest.WantErr

func TestInfluxQL(t *testing.T) {
	f, srv := start(t, 200, `{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","mean"],
		"values":[[1700000000000,10.5],[1700000060000,12.25],[1700000120000,null]]}]}]}`)
	q := `SELECT mean("usage") FROM "cpu" WHERE time > now() - 5m GROUP BY time(1m)`
	p, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: q, Database: "telegraf", Token: "user:pass", Headers: map[string]string{"X-A": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Value != 12.25 || !p.At.Equal(time.UnixMilli(1700000060000)) {
		t.Errorf("got %+v", p)
	}
	r := f.last()
	if r.method != http.MethodGet || r.path != "/query" {
		t.Errorf("request %s %s", r.method, r.path)
	}
	if r.query["q"][0] != q || r.query["db"][0] != "telegraf" || r.query["epoch"][0] != "ms" {
		t.Errorf("params = %v", r.query)
	}
	if r.auth != "Token user:pass" {
		t.Errorf("Authorization = %q", r.auth)
	}
}

func TestInfluxQLLanguageExplicitAndLastRow(t *testing.T) {
	_, srv := start(t, 200, `{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","last","other"],
		"values":[[1700000000000,1,9],[1700000001000,true,9]]}]}]}`)
	p, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "SELECT last(v), other FROM m", Language: "InfluxQL", Database: "db"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Value != 1 || p.At.UnixMilli() != 1700000001000 {
		t.Errorf("got %+v", p)
	}
}

func TestInfluxQLErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		subs   []string
	}{
		{"statement error", 200, `{"results":[{"statement_id":0,"error":"database not found: nope"}]}`, []string{"database not found: nope", "fix the query"}},
		{"top-level error", 200, `{"error":"error parsing query: found EOF"}`, []string{"error parsing query"}},
		{"400 with error", 400, `{"error":"error parsing query: found FROM, expected identifier"}`, []string{"400", "expected identifier"}},
		{"401", 401, `{"error":"authorization failed"}`, []string{"401", "check the token", "authorization failed"}},
		{"no results", 200, `{"results":[]}`, []string{"no results"}},
		{"no series", 200, `{"results":[{"statement_id":0}]}`, []string{"returned no series", `database "telegraf"`}},
		{"several series", 200, `{"results":[{"statement_id":0,"series":[
			{"name":"cpu","tags":{"host":"a"},"columns":["time","v"],"values":[[1,1]]},
			{"name":"cpu","tags":{"host":"b"},"columns":["time","v"],"values":[[1,1]]}]}]}`, []string{"returned 2 series", "GROUP BY"}},
		{"one column", 200, `{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time"],"values":[[1]]}]}]}`, []string{"select one value"}},
		{"all null", 200, `{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v"],"values":[[1,null]]}]}]}`, []string{"no non-null values"}},
		{"string value", 200, `{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v"],"values":[[1,"hello"]]}]}]}`, []string{`"hello"`, "not a number"}},
		{"not json", 200, `nope`, []string{"not InfluxQL JSON"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := start(t, tc.status, tc.body)
			_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "SELECT v FROM cpu", Database: "telegraf"})
			wantErr(t, err, tc.subs...)
		})
	}
}

// Real InfluxDB 2.x output with annotations (dialect annotations
// datatype,group,default), two tables with different schemas, CRLF endings.
const fluxTwoTables = "#group,false,false,true,true,false,false,true,true,true\r\n" +
	"#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string\r\n" +
	"#default,_result,,,,,,,,\r\n" +
	",result,table,_start,_stop,_time,_value,_field,_measurement,host\r\n" +
	",,0,2023-11-14T22:00:00Z,2023-11-14T22:15:00Z,2023-11-14T22:10:00Z,1.5,usage,cpu,a\r\n" +
	",,0,2023-11-14T22:00:00Z,2023-11-14T22:15:00Z,2023-11-14T22:11:00Z,2.5,usage,cpu,a\r\n" +
	"\r\n" +
	"#group,false,false,true,true,false,false,true,true\r\n" +
	"#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,double,dateTime:RFC3339,string,string\r\n" +
	"#default,_result,,,,,,,\r\n" +
	",result,table,_start,_stop,_value,_time,_field,_measurement\r\n" +
	",,1,2023-11-14T22:00:00Z,2023-11-14T22:15:00Z,7.75,2023-11-14T22:12:30.5Z,usage,mem\r\n" +
	",,1,2023-11-14T22:00:00Z,2023-11-14T22:15:00Z,,2023-11-14T22:13:00Z,usage,mem\r\n" +
	"\r\n"

func TestFlux(t *testing.T) {
	f, srv := start(t, 200, fluxTwoTables)
	q := `from(bucket: "metrics") |> range(start: -15m) |> filter(fn: (r) => r._field == "usage") |> last()`
	p, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: q, Language: "flux", Org: "my org", Token: "tok==", Headers: map[string]string{"X-A": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2023, 11, 14, 22, 12, 30, 5e8, time.UTC)
	if p.Value != 7.75 || !p.At.Equal(want) {
		t.Errorf("got %+v, want 7.75 at %v", p, want)
	}
	r := f.last()
	if r.method != http.MethodPost || r.path != "/api/v2/query" {
		t.Errorf("request %s %s", r.method, r.path)
	}
	if r.query["org"][0] != "my org" {
		t.Errorf("params = %v", r.query)
	}
	if r.contentType != "application/vnd.flux" || r.accept != "application/csv" {
		t.Errorf("Content-Type %q Accept %q", r.contentType, r.accept)
	}
	if r.auth != "Token tok==" {
		t.Errorf("Authorization = %q", r.auth)
	}
	if r.body != q {
		t.Errorf("body = %q", r.body)
	}
}

func TestFluxPlainCSV(t *testing.T) {
	// Default dialect: header only, tables separated by blank lines; a
	// quoted field spanning lines must not split a table.
	body := ",result,table,_time,_value,note\n" +
		",_result,0,2023-11-14T22:10:00Z,1,\"a\n\nb\"\n" +
		"\n" +
		",result,table,_value,_stop\n" +
		",_result,1,3.5,2023-11-14T22:15:00Z\n"
	_, srv := start(t, 200, body)
	p, err := fetch(t, metricsource.Spec{URL: srv.URL + "/", Query: "x", Language: "flux", Org: "o"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Value != 3.5 || !p.At.Equal(time.Date(2023, 11, 14, 22, 15, 0, 0, time.UTC)) {
		t.Errorf("got %+v", p)
	}
}

func TestFluxErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		subs   []string
	}{
		{"api error", 400, `{"code":"invalid","message":"compilation failed: error at @1:1-1:5: undefined identifier fro"}`, []string{"400", "undefined identifier fro"}},
		{"unauthorized", 401, `{"code":"unauthorized","message":"unauthorized access"}`, []string{"401", "check the token"}},
		{"org not found", 404, `{"code":"not found","message":"organization name \"x\" not found"}`, []string{"404", "organization name"}},
		{"in-band error", 200, "#datatype,string,string\n#group,true,true\n#default,,\n,error,reference\n,\"panic: runtime error: index out of range\",897\n", []string{"server reported: panic: runtime error", "fix the query"}},
		{"empty", 200, "\r\n", []string{"returned no tables"}},
		{"header only", 200, "#datatype,string,long,double\n,result,table,_value\n", []string{"no rows with a _value"}},
		{"no _value", 200, ",result,table,_time,count\n,_result,0,2023-11-14T22:10:00Z,3\n", []string{"no _value column", "[ result table _time count]"}},
		{"string _value", 200, ",result,table,_value\n,_result,0,hello\n", []string{`_value "hello" is not a number`}},
		{"bad time", 200, ",result,table,_time,_value\n,_result,0,yesterday,1\n", []string{`_time "yesterday" is not an RFC 3339 time`}},
		{"bad csv", 200, ",result,table,_value\n,_result,0,\"1\n", []string{"not valid CSV"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := start(t, tc.status, tc.body)
			_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "from(bucket:\"b\")", Language: "flux", Org: "o"})
			wantErr(t, err, append(tc.subs, "influxdb at http://")...)
		})
	}
}

func TestHangTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	for _, spec := range []metricsource.Spec{
		{URL: srv.URL, Query: "SELECT 1", Timeout: 150 * time.Millisecond},
		{URL: srv.URL, Query: "x", Language: "flux", Org: "o", Timeout: 150 * time.Millisecond},
	} {
		begin := time.Now()
		_, err := fetch(t, spec)
		wantErr(t, err, "influxdb at", "no response within 150ms")
		if d := time.Since(begin); d > 2*time.Second {
			t.Errorf("took %v", d)
		}
	}
}

func TestHugeBodyBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(",result,table,_value\n"))
		chunk := []byte(strings.Repeat(",_result,0,1\n", 8192))
		for i := 0; i < 64; i++ { // ~6.5 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	_, err := fetch(t, metricsource.Spec{URL: srv.URL, Query: "x", Language: "flux", Org: "o"})
	if !errors.Is(err, metricsource.ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		spec metricsource.Spec
		sub  string
	}{
		{metricsource.Spec{URL: "http://i:8086", Query: "x", Language: "sql"}, `language "sql" is not supported`},
		{metricsource.Spec{URL: "http://i:8086", Query: "x", Language: "flux"}, "org is empty"},
		{metricsource.Spec{URL: "i:8086", Query: "x"}, "absolute http"},
		{metricsource.Spec{URL: "http://i:8086"}, "query is empty"},
	} {
		_, err := New(tc.spec, nil)
		wantErr(t, err, tc.sub)
	}
}
