// Package influxdb is a metric source that runs an InfluxQL query through the
// InfluxDB 1.x API (GET /query) or a Flux query through the InfluxDB 2.x API
// (POST /api/v2/query, annotated CSV).
package influxdb

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire/internal/metricsource"
)

// Kind is the Spec.Type this package handles.
const Kind = "influxdb"

// Query languages accepted in Spec.Language.
const (
	InfluxQL = "influxql"
	Flux     = "flux"
)

type source struct {
	spec   metricsource.Spec
	lang   string
	client *http.Client
}

// New validates spec and returns an InfluxDB source. A nil client means a
// default client with the spec's timeout.
func New(spec metricsource.Spec, client *http.Client) (metricsource.Source, error) {
	if err := spec.Validate(Kind); err != nil {
		return nil, err
	}
	lang := strings.ToLower(strings.TrimSpace(spec.Language))
	switch lang {
	case "", InfluxQL:
		lang = InfluxQL
	case Flux:
		if strings.TrimSpace(spec.Org) == "" {
			return nil, fmt.Errorf("%s at %s: org is empty; Flux queries need the InfluxDB 2.x organization name", Kind, spec.URL)
		}
	default:
		return nil, fmt.Errorf("%s at %s: language %q is not supported; use %q (default) or %q", Kind, spec.URL, spec.Language, InfluxQL, Flux)
	}
	return &source{spec: spec, lang: lang, client: metricsource.Client(spec, client)}, nil
}

func (s *source) where() string { return fmt.Sprintf("%s at %s", Kind, s.spec.URL) }

// Fetch runs the query and returns the value of its last row.
func (s *source) Fetch(ctx context.Context) (metricsource.Point, error) {
	if s.lang == Flux {
		return s.fetchFlux(ctx)
	}
	return s.fetchInfluxQL(ctx)
}

func (s *source) auth(req *http.Request) {
	if s.spec.Token != "" {
		req.Header.Set("Authorization", "Token "+s.spec.Token)
	}
}

type influxQLResponse struct {
	Error   string `json:"error"`
	Results []struct {
		StatementID int    `json:"statement_id"`
		Error       string `json:"error"`
		Series      []struct {
			Name    string              `json:"name"`
			Tags    map[string]string   `json:"tags"`
			Columns []string            `json:"columns"`
			Values  [][]json.RawMessage `json:"values"`
		} `json:"series"`
	} `json:"results"`
}

func (s *source) fetchInfluxQL(ctx context.Context) (metricsource.Point, error) {
	where := s.where()
	q := url.Values{"q": {s.spec.Query}, "epoch": {"ms"}}
	if s.spec.Database != "" {
		q.Set("db", s.spec.Database)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.spec.Endpoint("/query")+"?"+q.Encode(), nil)
	if err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: building the request failed; check the URL: %w", where, err)
	}
	req.Header.Set("Accept", "application/json")
	s.auth(req)
	body, err := metricsource.Do(ctx, s.client, s.spec, Kind, req)
	if err != nil {
		return metricsource.Point{}, err
	}
	var r influxQLResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: response is not InfluxQL JSON (%v); check the URL points at InfluxDB: %s", where, err, metricsource.Snippet(body))
	}
	if r.Error != "" {
		return metricsource.Point{}, fmt.Errorf("%s: query failed: %s; fix the query or database", where, r.Error)
	}
	if len(r.Results) == 0 {
		return metricsource.Point{}, fmt.Errorf("%s: response has no results; check the query %q", where, s.spec.Query)
	}
	res := r.Results[0]
	if res.Error != "" {
		return metricsource.Point{}, fmt.Errorf("%s: query %q failed: %s; fix the query or database", where, s.spec.Query, res.Error)
	}
	switch len(res.Series) {
	case 0:
		return metricsource.Point{}, fmt.Errorf("%s: query %q returned no series; check the measurement, database %q and time range", where, s.spec.Query, s.spec.Database)
	case 1:
	default:
		return metricsource.Point{}, fmt.Errorf("%s: query %q returned %d series; remove GROUP BY tags or aggregate to a single series", where, s.spec.Query, len(res.Series))
	}
	ser := res.Series[0]
	if len(ser.Columns) < 2 {
		return metricsource.Point{}, fmt.Errorf("%s: query %q returned columns %v; select one value, e.g. SELECT last(value) FROM ...", where, s.spec.Query, ser.Columns)
	}
	timeCol, valCol := -1, 1
	for i, c := range ser.Columns {
		if c == "time" {
			timeCol = i
			break
		}
	}
	if timeCol == 1 {
		valCol = 0
	}
	for i := len(ser.Values) - 1; i >= 0; i-- {
		row := ser.Values[i]
		if valCol >= len(row) || string(row[valCol]) == "null" {
			continue
		}
		v, err := jsonValue(row[valCol])
		if err != nil {
			return metricsource.Point{}, fmt.Errorf("%s: column %q holds %s, not a number; select a numeric field", where, ser.Columns[valCol], row[valCol])
		}
		at := time.Now()
		if timeCol >= 0 && timeCol < len(row) {
			var ms float64
			if err := json.Unmarshal(row[timeCol], &ms); err != nil {
				return metricsource.Point{}, fmt.Errorf("%s: time %s is not epoch milliseconds: %v", where, row[timeCol], err)
			}
			at = time.UnixMilli(int64(ms))
		}
		return metricsource.Point{At: at, Value: v}, nil
	}
	return metricsource.Point{}, fmt.Errorf("%s: query %q returned no non-null values; check the time range and field", where, s.spec.Query)
}

// jsonValue decodes a JSON number, numeric string or boolean as a float.
func jsonValue(raw json.RawMessage) (float64, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		return f, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		if b {
			return 1, nil
		}
		return 0, nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		return parseValue(str)
	}
	return 0, errors.New("not a number")
}

func parseValue(s string) (float64, error) {
	switch s {
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	return strconv.ParseFloat(s, 64)
}

func (s *source) fetchFlux(ctx context.Context) (metricsource.Point, error) {
	where := s.where()
	q := url.Values{"org": {s.spec.Org}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.spec.Endpoint("/api/v2/query")+"?"+q.Encode(), strings.NewReader(s.spec.Query))
	if err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: building the request failed; check the URL: %w", where, err)
	}
	req.Header.Set("Content-Type", "application/vnd.flux")
	req.Header.Set("Accept", "application/csv")
	s.auth(req)
	body, err := metricsource.Do(ctx, s.client, s.spec, Kind, req)
	if err != nil {
		return metricsource.Point{}, err
	}
	p, err := parseFluxCSV(body)
	if err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: flux query: %w", where, err)
	}
	return p, nil
}

// splitBlocks splits annotated CSV into tables separated by blank lines,
// ignoring line breaks inside quoted fields.
func splitBlocks(body []byte) [][]byte {
	var blocks [][]byte
	start, inQuote, lineStart := 0, false, 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"':
			inQuote = !inQuote
		case '\n':
			if inQuote {
				continue
			}
			line := bytes.TrimRight(body[lineStart:i], "\r")
			if len(bytes.TrimSpace(line)) == 0 {
				if lineStart > start {
					blocks = append(blocks, body[start:lineStart])
				}
				start = i + 1
			}
			lineStart = i + 1
		}
	}
	if len(bytes.TrimSpace(body[start:])) > 0 {
		blocks = append(blocks, body[start:])
	}
	return blocks
}

// parseFluxCSV returns the last row's _value and _time from Flux annotated
// CSV holding one or more tables.
func parseFluxCSV(body []byte) (metricsource.Point, error) {
	var (
		found   bool
		last    metricsource.Point
		sawHead bool
	)
	for _, block := range splitBlocks(body) {
		r := csv.NewReader(bytes.NewReader(block))
		r.FieldsPerRecord = -1
		r.ReuseRecord = false
		var header []string
		valCol, timeCol, stopCol, errCol := -1, -1, -1, -1
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return metricsource.Point{}, fmt.Errorf("response is not valid CSV (%v): %s", err, metricsource.Snippet(body))
			}
			if len(rec) > 0 && strings.HasPrefix(rec[0], "#") {
				continue // annotation row: #datatype, #group, #default
			}
			if header == nil {
				header = rec
				sawHead = true
				for i, c := range rec {
					switch c {
					case "_value":
						valCol = i
					case "_time":
						timeCol = i
					case "_stop":
						stopCol = i
					case "error":
						errCol = i
					}
				}
				continue
			}
			if errCol >= 0 && valCol < 0 && errCol < len(rec) && rec[errCol] != "" {
				return metricsource.Point{}, fmt.Errorf("server reported: %s; fix the query", rec[errCol])
			}
			if valCol < 0 {
				return metricsource.Point{}, fmt.Errorf("result table has no _value column (columns %v); end the query with a table that keeps _value, e.g. |> last()", header)
			}
			if valCol >= len(rec) || rec[valCol] == "" {
				continue // null value
			}
			v, err := parseValue(rec[valCol])
			if err != nil {
				return metricsource.Point{}, fmt.Errorf("_value %q is not a number; filter to a numeric field", rec[valCol])
			}
			tc := timeCol
			if tc < 0 {
				tc = stopCol
			}
			at := time.Now()
			if tc >= 0 && tc < len(rec) && rec[tc] != "" {
				t, err := time.Parse(time.RFC3339Nano, rec[tc])
				if err != nil {
					return metricsource.Point{}, fmt.Errorf("%s %q is not an RFC 3339 time: %v", header[tc], rec[tc], err)
				}
				at = t
			}
			last, found = metricsource.Point{At: at, Value: v}, true
		}
	}
	if !found {
		if !sawHead {
			return metricsource.Point{}, errors.New("the query returned no tables; check the bucket, range and filters")
		}
		return metricsource.Point{}, errors.New("the query returned no rows with a _value; check the bucket, range and filters")
	}
	return last, nil
}
