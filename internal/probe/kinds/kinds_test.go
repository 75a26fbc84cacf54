package kinds

import (
	"testing"

	"github.com/watchfire-status/watchfire/internal/config"
)

// Every monitor type the config accepts has a probe.
func TestEveryConfigTypeHasAProbe(t *testing.T) {
	for _, typ := range config.MonitorTypes {
		if Table[typ] == nil {
			t.Errorf("monitor type %q has no probe in the kinds table", typ)
		}
	}
	if len(Table) != len(config.MonitorTypes) {
		t.Errorf("the kinds table has %d entries, the config accepts %d types", len(Table), len(config.MonitorTypes))
	}
}
