// Package prometheus is a metric source that runs a PromQL instant query
// through the Prometheus HTTP API (GET /api/v1/query).
package prometheus

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/watchfire-status/watchfire/internal/metricsource"
)

// Kind is the Spec.Type this package handles.
const Kind = "prometheus"

type source struct {
	spec   metricsource.Spec
	client *http.Client
}

// New validates spec and returns a Prometheus source. A nil client means a
// default client with the spec's timeout.
func New(spec metricsource.Spec, client *http.Client) (metricsource.Source, error) {
	if err := spec.Validate(Kind); err != nil {
		return nil, err
	}
	return &source{spec: spec, client: metricsource.Client(spec, client)}, nil
}

type response struct {
	Status    string          `json:"status"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Data      json.RawMessage `json:"data"`
}

type data struct {
	ResultType string          `json:"resultType"`
	Result     json.RawMessage `json:"result"`
}

type sample struct {
	Metric map[string]string `json:"metric"`
	Value  []json.RawMessage `json:"value"`
}

// Fetch runs the instant query and returns its single value.
func (s *source) Fetch(ctx context.Context) (metricsource.Point, error) {
	where := fmt.Sprintf("%s at %s", Kind, s.spec.URL)
	u := s.spec.Endpoint("/api/v1/query") + "?" + url.Values{"query": {s.spec.Query}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: building the request failed; check the URL: %w", where, err)
	}
	req.Header.Set("Accept", "application/json")
	if s.spec.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.spec.Token)
	}
	body, err := metricsource.Do(ctx, s.client, s.spec, Kind, req)
	if err != nil {
		return metricsource.Point{}, err
	}
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: response is not Prometheus API JSON (%v); check the URL points at Prometheus: %s", where, err, metricsource.Snippet(body))
	}
	if r.Status == "error" {
		return metricsource.Point{}, fmt.Errorf("%s: query %q failed: %s: %s; fix the query", where, s.spec.Query, r.ErrorType, r.Error)
	}
	if r.Status != "success" {
		return metricsource.Point{}, fmt.Errorf("%s: unexpected status %q in response; check the URL points at Prometheus: %s", where, r.Status, metricsource.Snippet(body))
	}
	var d data
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: malformed data in response (%v): %s", where, err, metricsource.Snippet(body))
	}
	switch d.ResultType {
	case "scalar":
		var v []json.RawMessage
		if err := json.Unmarshal(d.Result, &v); err != nil {
			return metricsource.Point{}, fmt.Errorf("%s: malformed scalar result (%v): %s", where, err, metricsource.Snippet(body))
		}
		return s.parseValue(where, v)
	case "vector":
		var samples []sample
		if err := json.Unmarshal(d.Result, &samples); err != nil {
			return metricsource.Point{}, fmt.Errorf("%s: malformed vector result (%v): %s", where, err, metricsource.Snippet(body))
		}
		switch len(samples) {
		case 0:
			return metricsource.Point{}, fmt.Errorf("%s: the query returned no series for %q; check the metric name and label matchers, or wrap it, e.g. sum(%s) or vector(0)", where, s.spec.Query, s.spec.Query)
		case 1:
			return s.parseValue(where, samples[0].Value)
		default:
			return metricsource.Point{}, fmt.Errorf("%s: query %q returned %d series; aggregate it to one, e.g. sum(%s)", where, s.spec.Query, len(samples), s.spec.Query)
		}
	default:
		return metricsource.Point{}, fmt.Errorf("%s: query %q returned a %q result; use an instant query that yields a single-series vector or a scalar, e.g. sum(%s)", where, s.spec.Query, d.ResultType, s.spec.Query)
	}
}

// parseValue decodes a Prometheus [<unix seconds>, "<value>"] pair.
func (s *source) parseValue(where string, v []json.RawMessage) (metricsource.Point, error) {
	if len(v) != 2 {
		return metricsource.Point{}, fmt.Errorf("%s: malformed sample: want [timestamp, \"value\"], got %d elements", where, len(v))
	}
	var ts float64
	if err := json.Unmarshal(v[0], &ts); err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: malformed sample timestamp %s: %v", where, v[0], err)
	}
	var str string
	if err := json.Unmarshal(v[1], &str); err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: malformed sample value %s: want a quoted number: %v", where, v[1], err)
	}
	val, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: sample value %q is not a number: %v", where, str, err)
	}
	sec, frac := math.Modf(ts)
	at := time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond))
	return metricsource.Point{At: at, Value: val}, nil
}
