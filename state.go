package watchfire

import (
	"sort"
	"time"
)

// State is everything a page needs to render: the live objects plus
// recent history. Snapshots and status derivation read it; it is never
// mutated after it is handed to readers.
type State struct {
	Pages        []Page
	Groups       []Group
	Components   []Component
	Incidents    []Incident    // unresolved ones and recent history, newest first
	Maintenances []Maintenance // unfinished ones and recent history, newest first
	// DependsOn lists, per component id, the components it depends on. It
	// comes from the config, not the store; the engine sets it.
	DependsOn map[string][]string

	LastEventID int64     // id of the newest event reflected here
	UpdatedAt   time.Time // received_at of that event: when the state last changed
	LoadedAt    time.Time
}

// Component returns the component with the id, or nil.
func (s *State) Component(id string) *Component {
	for i := range s.Components {
		if s.Components[i].ID == id {
			return &s.Components[i]
		}
	}
	return nil
}

// Page returns the page with the id, or nil.
func (s *State) Page(id string) *Page {
	for i := range s.Pages {
		if s.Pages[i].ID == id {
			return &s.Pages[i]
		}
	}
	return nil
}

// Group returns the group with the id, or nil.
func (s *State) Group(id string) *Group {
	for i := range s.Groups {
		if s.Groups[i].ID == id {
			return &s.Groups[i]
		}
	}
	return nil
}

// Incident returns the incident with the id, or nil.
func (s *State) Incident(id string) *Incident {
	for i := range s.Incidents {
		if s.Incidents[i].ID == id {
			return &s.Incidents[i]
		}
	}
	return nil
}

// Maintenance returns the maintenance with the id, or nil.
func (s *State) Maintenance(id string) *Maintenance {
	for i := range s.Maintenances {
		if s.Maintenances[i].ID == id {
			return &s.Maintenances[i]
		}
	}
	return nil
}

// DeriveStatus computes a component's effective status from its inputs.
// Precedence, as DESIGN.md sets it: a manual override wins outright; then
// an active maintenance; otherwise the worst of the open incidents' status
// for the component, the monitor verdict and the dependency roll-up (an
// outage of a component it depends on makes it degraded, without hiding
// its own, possibly worse, verdict).
func (s *State) DeriveStatus(c *Component) ComponentStatus {
	if c.ManualStatus != "" {
		return c.ManualStatus
	}
	for i := range s.Maintenances {
		m := &s.Maintenances[i]
		if m.Status.Active() && contains(m.Components, c.ID) {
			return StatusUnderMaintenance
		}
	}
	status := c.MonitorStatus
	for i := range s.Incidents {
		inc := &s.Incidents[i]
		if !inc.Open() {
			continue
		}
		for _, ac := range inc.Components {
			if ac.ComponentID == c.ID {
				status = Worse(status, ac.NewStatus)
			}
		}
	}
	if s.DependencyDown(c.ID) != nil {
		status = Worse(status, StatusDegradedPerformance)
	}
	status = Worse(status, c.UpstreamStatus)
	if status == "" {
		return StatusOperational
	}
	return status
}

// DependencyDown returns the first component that c depends on and that
// has a partial or major outage, or nil.
func (s *State) DependencyDown(componentID string) *Component {
	for _, id := range s.DependsOn[componentID] {
		if d := s.Component(id); d != nil && (d.Status == StatusPartialOutage || d.Status == StatusMajorOutage) {
			return d
		}
	}
	return nil
}

// GroupStatus is the worst status among a group's members on the page.
func (s *State) GroupStatus(p *Page, groupID string) ComponentStatus {
	status := StatusOperational
	for i := range s.Components {
		c := &s.Components[i]
		if c.GroupID == groupID && p.Shows(c.ID) {
			status = Worse(status, c.Status)
		}
	}
	return status
}

// PageComponents returns the components a page shows, in display order:
// the page's explicit order when it lists components, else by group
// position, then component position, then name.
func (s *State) PageComponents(p *Page) []Component {
	var out []Component
	if len(p.Components) > 0 {
		for _, id := range p.Components {
			if c := s.Component(id); c != nil {
				out = append(out, *c)
			}
		}
		return out
	}
	out = append(out, s.Components...)
	groupPos := map[string]int{}
	for _, g := range s.Groups {
		groupPos[g.ID] = g.Position
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if groupPos[a.GroupID] != groupPos[b.GroupID] {
			return groupPos[a.GroupID] < groupPos[b.GroupID]
		}
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return a.Name < b.Name
	})
	return out
}

// IncidentOnPage reports whether an incident belongs on the page: it was
// filed on it, or it affects one of the components the page shows.
func (s *State) IncidentOnPage(p *Page, inc *Incident) bool {
	if inc.PageID == p.ID {
		return true
	}
	for _, ac := range inc.Components {
		if p.Shows(ac.ComponentID) {
			return true
		}
	}
	return false
}

// MaintenanceOnPage reports whether a maintenance belongs on the page.
func (s *State) MaintenanceOnPage(p *Page, m *Maintenance) bool {
	if m.PageID == p.ID {
		return true
	}
	for _, id := range m.Components {
		if p.Shows(id) {
			return true
		}
	}
	return false
}

// Indicator is the page-level summary of its state.
type Indicator string

const (
	IndicatorNone        Indicator = "none"
	IndicatorMinor       Indicator = "minor"
	IndicatorMajor       Indicator = "major"
	IndicatorCritical    Indicator = "critical"
	IndicatorMaintenance Indicator = "maintenance"
)

// PageIndicator computes the page's indicator and its English description
// the way Statuspage does: the worse of the worst component status and the
// worst open incident's impact; maintenance shows only when nothing is
// broken.
func (s *State) PageIndicator(p *Page) (Indicator, string) {
	worst := StatusOperational
	for i := range s.Components {
		c := &s.Components[i]
		// A vendor's outage is theirs: it reaches our indicator only
		// through the components it affects.
		if p.Shows(c.ID) && c.GroupID != ThirdPartyGroup {
			worst = Worse(worst, c.Status)
		}
	}
	impact := ImpactFor(worst)
	for i := range s.Incidents {
		inc := &s.Incidents[i]
		if inc.Open() && s.IncidentOnPage(p, inc) && inc.Impact.Rank() > impact.Rank() {
			impact = inc.Impact
		}
	}
	switch {
	case impact == ImpactCritical:
		return IndicatorCritical, "Major System Outage"
	case impact == ImpactMajor:
		return IndicatorMajor, "Partial System Outage"
	case impact == ImpactMinor && worst == StatusDegradedPerformance:
		return IndicatorMinor, "Partially Degraded Service"
	case impact == ImpactMinor:
		return IndicatorMinor, "Minor Service Outage"
	case worst == StatusUnderMaintenance:
		return IndicatorMaintenance, "Service Under Maintenance"
	}
	return IndicatorNone, "All Systems Operational"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
