// Package graphite is a metric source that reads a Graphite target through
// the render API in JSON format (GET /render?format=json).
package graphite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/watchfire-status/watchfire/internal/metricsource"
)

// Kind is the Spec.Type this package handles.
const Kind = "graphite"

// From is the render window requested; the newest non-null datapoint in it
// is the current value.
const From = "-5min"

type source struct {
	spec   metricsource.Spec
	client *http.Client
}

// New validates spec and returns a Graphite source. A nil client means a
// default client with the spec's timeout.
func New(spec metricsource.Spec, client *http.Client) (metricsource.Source, error) {
	if err := spec.Validate(Kind); err != nil {
		return nil, err
	}
	return &source{spec: spec, client: metricsource.Client(spec, client)}, nil
}

type series struct {
	Target     string        `json:"target"`
	Datapoints [][2]*float64 `json:"datapoints"`
}

// Fetch renders the target and returns its newest non-null datapoint.
func (s *source) Fetch(ctx context.Context) (metricsource.Point, error) {
	where := fmt.Sprintf("%s at %s", Kind, s.spec.URL)
	q := url.Values{"target": {s.spec.Query}, "format": {"json"}, "from": {From}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.spec.Endpoint("/render")+"?"+q.Encode(), nil)
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
	var all []series
	if err := json.Unmarshal(body, &all); err != nil {
		return metricsource.Point{}, fmt.Errorf("%s: response is not Graphite render JSON (%v); check the URL points at graphite-web: %s", where, err, metricsource.Snippet(body))
	}
	switch len(all) {
	case 0:
		return metricsource.Point{}, fmt.Errorf("%s: target %q matched no series; check the metric path", where, s.spec.Query)
	case 1:
	default:
		return metricsource.Point{}, fmt.Errorf("%s: target %q returned %d series; combine them into one, e.g. sumSeries(%s)", where, s.spec.Query, len(all), s.spec.Query)
	}
	dps := all[0].Datapoints
	for i := len(dps) - 1; i >= 0; i-- {
		v, ts := dps[i][0], dps[i][1]
		if v == nil || ts == nil {
			continue
		}
		return metricsource.Point{At: time.Unix(int64(*ts), 0), Value: *v}, nil
	}
	return metricsource.Point{}, fmt.Errorf("%s: target %q has no non-null datapoints in the last 5 minutes; check that data is still being sent, or use keepLastValue(%s)", where, s.spec.Query, s.spec.Query)
}
