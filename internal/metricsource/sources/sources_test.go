package sources

import (
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire/internal/metricsource"
)

func TestTable(t *testing.T) {
	for _, kind := range []string{"prometheus", "graphite", "influxdb"} {
		if Table[kind] == nil {
			t.Errorf("no factory for %q", kind)
			continue
		}
		src, err := New(metricsource.Spec{Type: kind, URL: "http://127.0.0.1:1", Query: "q", Org: "o"}, nil)
		if err != nil || src == nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	_, err := New(metricsource.Spec{Type: "datadog", URL: "http://x", Query: "q"}, nil)
	if err == nil || !strings.Contains(err.Error(), "graphite, influxdb, prometheus") {
		t.Errorf("unknown type error = %v", err)
	}
}
