package monitor

import (
	"time"

	"github.com/watchfire-status/watchfire/internal/config"
	"github.com/watchfire-status/watchfire/internal/probe"
)

// heartbeatCheckEvery is how often a heartbeat monitor's silence is
// checked, however rarely the job beats.
const heartbeatCheckEvery = 30 * time.Second

// FromConfig turns the config's monitors into runner definitions, and
// returns the heartbeat monitors' tokens by monitor id.
func FromConfig(cfg *config.Config) (defs []Def, heartbeatTokens map[string]string) {
	heartbeatTokens = map[string]string{}
	for _, m := range cfg.Monitors {
		follow := m.FollowRedirects == nil || *m.FollowRedirects
		d := Def{
			ID: m.ID, ComponentID: m.Component, Interval: m.Interval.Std(), Retries: m.Retries,
			LatencyUnder: m.Expect.LatencyUnder.Std(), Thresholds: DefaultThresholds,
			Spec: probe.Spec{
				ID: m.ID, Type: m.Type, URL: m.URL, Host: m.Host, Port: m.Port, Method: m.Method,
				Headers: m.Headers, Body: m.Body, Timeout: m.Timeout.Std(), FollowRedirects: follow,
				InsecureSkipVerify: m.InsecureSkipVerify, RecordType: m.RecordType, Server: m.Server,
				Service: m.Service, Target: m.Target,
				Expect: probe.Expect{
					Status: m.Expect.Status, BodyContains: m.Expect.BodyContains, BodyRegex: m.Expect.BodyRegex,
					JSONPath: m.Expect.JSONPath, JSONValue: m.Expect.JSONValue, Answers: m.Expect.Answers,
					Rcode: m.Expect.Rcode, CertDays: m.Expect.CertDays,
				},
			},
		}
		if m.Type == "heartbeat" {
			// The job beats every interval; it is late after interval+grace.
			d.Spec.Grace = m.Interval.Std() + m.Grace.Std()
			d.Interval = min(m.Interval.Std(), heartbeatCheckEvery)
			d.Spec.Timeout = time.Second
			heartbeatTokens[m.ID] = m.Token
		}
		defs = append(defs, d)
	}
	return defs, heartbeatTokens
}

// Topology returns what the engine needs from the components' config:
// dependencies and whether monitors may open incidents.
func Topology(cfg *config.Config) (dependsOn map[string][]string, autoIncident map[string]bool) {
	dependsOn, autoIncident = map[string][]string{}, map[string]bool{}
	for _, c := range cfg.Components {
		if len(c.DependsOn) > 0 {
			dependsOn[c.ID] = c.DependsOn
		}
		autoIncident[c.ID] = c.AutoIncidentEnabled()
	}
	return dependsOn, autoIncident
}
