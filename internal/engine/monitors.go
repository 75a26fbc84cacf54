package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// Probe is the origin of changes that Watchfire's own monitors cause.
var Probe = Origin{Source: watchfire.SourceProbe}

// MonitorVerdict is what a component's monitors concluded: a status
// ("" when it is not monitored, or not yet known) and why.
type MonitorVerdict struct {
	ComponentID string
	Status      watchfire.ComponentStatus
	Reason      string
}

// SetMonitorStatus records the monitors' verdicts. A component moving to a
// partial or major outage gets an incident opened for it (unless one is
// open already, or the config turned auto_incident off); when it recovers
// the incident moves to monitoring, and ResolveQuietAutoIncidents closes
// it once it has stayed quiet.
func (e *Engine) SetMonitorStatus(ctx context.Context, verdicts []MonitorVerdict) error {
	_, err := e.write(ctx, Probe, func(c *change) error {
		c.monitorReasons = map[string]string{}
		for _, v := range verdicts {
			comp := c.st.Component(v.ComponentID)
			if comp == nil {
				continue // deleted meanwhile
			}
			c.monitorReasons[comp.ID] = v.Reason
			if comp.MonitorStatus == v.Status {
				continue
			}
			was := comp.MonitorStatus
			comp.MonitorStatus = v.Status
			comp.UpdatedAt = c.now
			if err := c.tx.UpdateComponent(c.ctx, comp); err != nil {
				return err
			}
			if e.autoIncident == nil || e.autoIncidentFor(comp.ID) {
				if err := c.followUp(comp, was, v.Reason); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return err
}

func (e *Engine) autoIncidentFor(componentID string) bool {
	on, set := e.autoIncident[componentID]
	return on || !set
}

func isOutage(s watchfire.ComponentStatus) bool {
	return s == watchfire.StatusPartialOutage || s == watchfire.StatusMajorOutage
}

// followUp opens, updates or moves to monitoring the component's
// automatic incident after its monitor status went from was to now.
func (c *change) followUp(comp *watchfire.Component, was watchfire.ComponentStatus, reason string) error {
	now := comp.MonitorStatus
	auto := c.openAutoIncident(comp.ID)
	msg := c.messages(comp.ID)
	switch {
	case isOutage(now) && auto == nil:
		if c.openIncidentAffects(comp.ID) {
			return nil // people are on it already
		}
		return c.openAutoIncidentFor(comp, reason, msg)
	case isOutage(now) && (auto.Status == watchfire.IncidentMonitoring || now != was):
		body := msg.worse(comp.Name, reason)
		if auto.Status == watchfire.IncidentMonitoring {
			body = msg.back(comp.Name, reason)
		}
		return c.autoUpdate(auto, watchfire.IncidentInvestigating, body, comp, now)
	case !isOutage(now) && isOutage(was) && auto != nil && auto.Status != watchfire.IncidentMonitoring:
		status := now
		if status == "" {
			status = watchfire.StatusOperational
		}
		return c.autoUpdate(auto, watchfire.IncidentMonitoring, msg.recovered(comp.Name), comp, status)
	}
	return nil
}

func (c *change) openAutoIncidentFor(comp *watchfire.Component, reason string, msg messages) error {
	page, err := c.resolvePage(c.pageFor(comp.ID))
	if err != nil {
		return err
	}
	status := comp.MonitorStatus
	affected := []watchfire.AffectedComponent{{ComponentID: comp.ID, Name: comp.Name, OldStatus: comp.Status, NewStatus: status}}
	inc := watchfire.Incident{
		ID: watchfire.NewID(), PageID: page.ID, Name: msg.title(comp.Name, status), Status: watchfire.IncidentInvestigating,
		Impact: watchfire.ImpactFor(status), StartedAt: c.now, CreatedAt: c.now, UpdatedAt: c.now, AutoComponent: comp.ID,
		Components: []watchfire.AffectedComponent{{ComponentID: comp.ID, Name: comp.Name, NewStatus: status}},
	}
	body := msg.opened(comp.Name, reason)
	if what, status, ok := watchfire.ParseUpstreamReason(comp.UpstreamReason); ok && comp.UpstreamStatus != "" {
		// The component's dependency is down too: say so, it is the
		// likeliest cause and the first thing on-call will want to know.
		body += " " + msg.upstreamHint(what+" "+strings.ReplaceAll(string(status), "_", " "))
	}
	inc.Updates = []watchfire.IncidentUpdate{c.newUpdate(inc.ID, string(inc.Status), body, affected, nil)}
	if err := c.tx.CreateIncident(c.ctx, &inc); err != nil {
		return err
	}
	c.st.Incidents = append(c.st.Incidents, inc)
	c.emit(incidentEvent(watchfire.KindIncidentCreated, page, &inc, body))
	return nil
}

// autoUpdate posts an update to an automatic incident, setting the
// component's status in it.
func (c *change) autoUpdate(inc *watchfire.Incident, status watchfire.IncidentStatus, body string,
	comp *watchfire.Component, compStatus watchfire.ComponentStatus) error {
	affected := []watchfire.AffectedComponent{{ComponentID: comp.ID, Name: comp.Name, OldStatus: comp.Status, NewStatus: compStatus}}
	inc.Components = setAffected(inc.Components, affected[0])
	if isOutage(compStatus) && watchfire.ImpactFor(compStatus).Rank() > inc.Impact.Rank() {
		inc.Impact = watchfire.ImpactFor(compStatus)
	}
	wasOpen := inc.Open()
	inc.Status = status
	inc.UpdatedAt = c.now
	setStatusTimes(inc, c.now)
	u := c.newUpdate(inc.ID, string(status), body, affected, nil)
	if err := c.tx.AddIncidentUpdate(c.ctx, &u); err != nil {
		return err
	}
	if err := c.tx.UpdateIncident(c.ctx, inc); err != nil {
		return err
	}
	inc.Updates = append([]watchfire.IncidentUpdate{u}, inc.Updates...)
	c.replaceIncident(inc)
	kind := watchfire.KindIncidentUpdated
	if wasOpen && !inc.Open() {
		kind = watchfire.KindIncidentResolved
	}
	page, _ := c.resolvePage(inc.PageID)
	c.emit(incidentEvent(kind, page, inc, body))
	return nil
}

// openAutoIncident returns the open incident monitors opened for the
// component, or nil.
func (c *change) openAutoIncident(componentID string) *watchfire.Incident {
	for i := range c.st.Incidents {
		if inc := &c.st.Incidents[i]; inc.Open() && inc.AutoComponent == componentID {
			return inc
		}
	}
	return nil
}

func (c *change) openIncidentAffects(componentID string) bool {
	for i := range c.st.Incidents {
		inc := &c.st.Incidents[i]
		if !inc.Open() {
			continue
		}
		for _, ac := range inc.Components {
			if ac.ComponentID == componentID {
				return true
			}
		}
	}
	return false
}

// ResolveQuietAutoIncidents resolves automatic incidents that have been in
// monitoring for at least quiet while their component stayed out of an
// outage. It returns how many it resolved.
func (e *Engine) ResolveQuietAutoIncidents(ctx context.Context, quiet time.Duration) (int, error) {
	resolved := 0
	_, err := e.write(ctx, Probe, func(c *change) error {
		for i := range c.st.Incidents {
			inc := &c.st.Incidents[i]
			if inc.AutoComponent == "" || inc.Status != watchfire.IncidentMonitoring || inc.MonitoringAt == nil {
				continue
			}
			comp := c.st.Component(inc.AutoComponent)
			if c.now.Sub(*inc.MonitoringAt) < quiet || (comp != nil && isOutage(comp.MonitorStatus)) {
				continue
			}
			name := inc.Name
			status := watchfire.StatusOperational
			if comp != nil {
				name = comp.Name
				if comp.MonitorStatus != "" {
					status = comp.MonitorStatus
				}
			} else {
				comp = &watchfire.Component{ID: inc.AutoComponent, Name: name}
			}
			body := c.messages(inc.AutoComponent).resolved(name, quiet)
			full, err := c.tx.GetIncident(c.ctx, inc.ID)
			if err != nil {
				return err
			}
			if err := c.autoUpdate(full, watchfire.IncidentResolved, body, comp, status); err != nil {
				return err
			}
			resolved++
		}
		return nil
	})
	return resolved, err
}

// messages are the texts of automatic incidents in one language.
type messages struct {
	title     func(component string, status watchfire.ComponentStatus) string
	opened    func(component, reason string) string
	worse     func(component, reason string) string
	back      func(component, reason string) string
	recovered func(component string) string
	resolved  func(component string, quiet time.Duration) string
	// upstreamHint names a dependency that is down at the same time.
	upstreamHint func(cause string) string
}

// autoMessages holds the automatic incidents' texts per page locale; the
// page's language picks them, English is the fallback.
var autoMessages = map[string]messages{
	"en": {
		title: func(c string, s watchfire.ComponentStatus) string {
			if s == watchfire.StatusPartialOutage {
				return c + " is partially unavailable"
			}
			return c + " is unavailable"
		},
		opened: func(c, r string) string {
			return fmt.Sprintf("Our monitors detected a problem with %s: %s. We are investigating.", c, r)
		},
		worse: func(c, r string) string {
			return fmt.Sprintf("The problem with %s has changed: %s. We are still investigating.", c, r)
		},
		back: func(c, r string) string {
			return fmt.Sprintf("The problem with %s is back: %s. We are investigating.", c, r)
		},
		recovered: func(c string) string { return c + " is responding normally again. We are monitoring the recovery." },
		resolved: func(c string, q time.Duration) string {
			return fmt.Sprintf("%s has been working normally for %s. This incident is resolved.", c, q)
		},
		upstreamHint: func(cause string) string {
			return fmt.Sprintf("Possible root cause: a dependency reports trouble at the same time (upstream %s).", cause)
		},
	},
	"fr": {
		title: func(c string, s watchfire.ComponentStatus) string {
			if s == watchfire.StatusPartialOutage {
				return c + " est partiellement indisponible"
			}
			return c + " est indisponible"
		},
		opened: func(c, r string) string {
			return fmt.Sprintf("Nos sondes ont détecté un problème sur %s : %s. Nous enquêtons.", c, r)
		},
		worse: func(c, r string) string {
			return fmt.Sprintf("Le problème sur %s a évolué : %s. L'enquête continue.", c, r)
		},
		back: func(c, r string) string {
			return fmt.Sprintf("Le problème sur %s est réapparu : %s. Nous enquêtons.", c, r)
		},
		recovered: func(c string) string {
			return c + " répond de nouveau normalement. Nous surveillons le rétablissement."
		},
		resolved: func(c string, q time.Duration) string {
			return fmt.Sprintf("%s fonctionne normalement depuis %s. Cet incident est résolu.", c, q)
		},
		upstreamHint: func(cause string) string {
			return fmt.Sprintf("Cause possible : une dépendance signale un problème au même moment (en amont : %s).", cause)
		},
	},
}

// messages returns the texts for the language of the component's page.
func (c *change) messages(componentID string) messages {
	if p := c.st.Page(c.pageFor(componentID)); p != nil {
		lang, _, _ := strings.Cut(strings.ToLower(p.Locale), "-")
		if m, ok := autoMessages[lang]; ok {
			return m
		}
	}
	return autoMessages["en"]
}
