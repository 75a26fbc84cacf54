// Package sources maps Spec.Type to the metric source implementations.
package sources

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/watchfire-status/watchfire/internal/metricsource"
	"github.com/watchfire-status/watchfire/internal/metricsource/graphite"
	"github.com/watchfire-status/watchfire/internal/metricsource/influxdb"
	"github.com/watchfire-status/watchfire/internal/metricsource/prometheus"
)

// Table maps Spec.Type to the factory that builds that kind of source.
var Table = map[string]metricsource.Factory{
	prometheus.Kind: prometheus.New,
	graphite.Kind:   graphite.New,
	influxdb.Kind:   influxdb.New,
}

// New builds the source named by spec.Type using Table.
func New(spec metricsource.Spec, client *http.Client) (metricsource.Source, error) {
	f, ok := Table[spec.Type]
	if !ok {
		kinds := make([]string, 0, len(Table))
		for k := range Table {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		return nil, fmt.Errorf("metric source type %q is not known; use one of %s", spec.Type, strings.Join(kinds, ", "))
	}
	return f(spec, client)
}
