package engine

import (
	"context"
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// StatusAuto, given as a component's status, clears the manual override so
// the status is derived again from incidents, maintenances and monitors.
const StatusAuto = "auto"

// ComponentInput creates a component.
type ComponentInput struct {
	ID                 string // optional; a random id when empty
	Name               string
	Description        string
	GroupID            string // an existing group's id
	GroupName          string // a group by name, created when missing
	Position           int
	Status             string // optional manual status, as in ComponentPatch
	Showcase           bool
	OnlyShowIfDegraded bool
	StartDate          *time.Time
}

// ComponentPatch changes a component; nil fields are left alone.
type ComponentPatch struct {
	Name               *string
	Description        *string
	GroupID            *string // "" ungroups
	GroupName          *string
	Position           *int
	Status             *string // a component status sets the manual override; "auto" clears it
	Showcase           *bool
	OnlyShowIfDegraded *bool
}

// CreateComponent adds a component. EINVALID for bad input, ECONFLICT when
// the id is taken, ENOTFOUND for an unknown group id.
func (e *Engine) CreateComponent(ctx context.Context, origin Origin, in ComponentInput) (*watchfire.Component, error) {
	if in.ID == "" {
		in.ID = watchfire.NewID()
	}
	st, err := e.write(ctx, origin, func(c *change) error {
		if in.ID == "" {
			in.ID = watchfire.NewID()
		}
		if !watchfire.ValidID(in.ID) {
			return invalid("id: %q is not a valid id; use 1-64 lowercase letters, digits, '-' or '_'", in.ID)
		}
		if c.st.Component(in.ID) != nil {
			return watchfire.Errorf(watchfire.ECONFLICT, "component %q already exists", in.ID)
		}
		if err := checkName(in.Name); err != nil {
			return err
		}
		groupID, err := c.group(in.GroupID, in.GroupName)
		if err != nil {
			return err
		}
		manual, err := manualStatus(in.Status)
		if err != nil {
			return err
		}
		comp := watchfire.Component{
			ID: in.ID, GroupID: groupID, Name: strings.TrimSpace(in.Name), Description: in.Description,
			Position: in.Position, Status: watchfire.StatusOperational, ManualStatus: manual,
			Showcase: in.Showcase, OnlyShowIfDegraded: in.OnlyShowIfDegraded, StartDate: in.StartDate,
			CreatedAt: c.now, UpdatedAt: c.now,
		}
		if comp.Position == 0 {
			comp.Position = c.nextPosition(groupID)
		}
		if err := c.tx.CreateComponent(c.ctx, &comp); err != nil {
			return err
		}
		c.st.Components = append(c.st.Components, comp)
		c.emit(watchfire.Event{Kind: watchfire.KindComponentCreated, PageID: c.pageFor(comp.ID),
			Product: c.productFor(comp.ID), ComponentID: comp.ID, ComponentName: comp.Name,
			NewStatus: string(comp.Status), Message: "Component created."})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return componentIn(st, in.ID)
}

// UpdateComponent applies a patch. ENOTFOUND for an unknown component.
func (e *Engine) UpdateComponent(ctx context.Context, origin Origin, id string, p ComponentPatch) (*watchfire.Component, error) {
	st, err := e.write(ctx, origin, func(c *change) error {
		comp := c.st.Component(id)
		if comp == nil {
			return watchfire.Errorf(watchfire.ENOTFOUND, "component %q not found", id)
		}
		next := *comp
		if p.Name != nil {
			if err := checkName(*p.Name); err != nil {
				return err
			}
			next.Name = strings.TrimSpace(*p.Name)
		}
		if p.Description != nil {
			next.Description = *p.Description
		}
		if p.GroupID != nil || p.GroupName != nil {
			var gid, gname string
			if p.GroupID != nil {
				gid = *p.GroupID
			}
			if p.GroupName != nil {
				gname = *p.GroupName
			}
			groupID, err := c.group(gid, gname)
			if err != nil {
				return err
			}
			next.GroupID = groupID
		}
		if p.Position != nil {
			next.Position = *p.Position
		}
		if p.Showcase != nil {
			next.Showcase = *p.Showcase
		}
		if p.OnlyShowIfDegraded != nil {
			next.OnlyShowIfDegraded = *p.OnlyShowIfDegraded
		}
		if p.Status != nil {
			manual, err := manualStatus(*p.Status)
			if err != nil {
				return err
			}
			next.ManualStatus = manual
		}
		if next == *comp && startDateEqual(next.StartDate, comp.StartDate) {
			return nil // nothing changed: no write, no event
		}
		next.UpdatedAt = c.now
		describedChange := next.Name != comp.Name || next.Description != comp.Description ||
			next.GroupID != comp.GroupID || next.Position != comp.Position ||
			next.Showcase != comp.Showcase || next.OnlyShowIfDegraded != comp.OnlyShowIfDegraded
		manualChange := next.ManualStatus != comp.ManualStatus
		*comp = next
		if err := c.tx.UpdateComponent(c.ctx, comp); err != nil {
			return err
		}
		// A status change is recorded by rederive. An override that leaves
		// the shown status as it was still changes the component, and every
		// change must reach the hub.
		if describedChange || (manualChange && c.st.DeriveStatus(comp) == comp.Status) {
			msg := "Component details updated."
			if !describedChange {
				msg = manualMessage(comp.ManualStatus)
			}
			c.emit(watchfire.Event{Kind: watchfire.KindComponentUpdated, PageID: c.pageFor(comp.ID),
				Product: c.productFor(comp.ID), ComponentID: comp.ID, ComponentName: comp.Name, Message: msg})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return componentIn(st, id)
}

// DeleteComponent removes a component. ENOTFOUND for an unknown component.
func (e *Engine) DeleteComponent(ctx context.Context, origin Origin, id string) error {
	_, err := e.write(ctx, origin, func(c *change) error {
		comp := c.st.Component(id)
		if comp == nil {
			return watchfire.Errorf(watchfire.ENOTFOUND, "component %q not found", id)
		}
		ev := watchfire.Event{Kind: watchfire.KindComponentDeleted, PageID: c.pageFor(id),
			Product: c.productFor(id), ComponentID: id, ComponentName: comp.Name,
			OldStatus: string(comp.Status), Message: "Component deleted."}
		if err := c.tx.DeleteComponent(c.ctx, id); err != nil {
			return err
		}
		for i := range c.st.Components {
			if c.st.Components[i].ID == id {
				c.st.Components = append(c.st.Components[:i], c.st.Components[i+1:]...)
				break
			}
		}
		c.emit(ev)
		return nil
	})
	return err
}

// componentIn copies a component out of the committed state.
func componentIn(st *watchfire.State, id string) (*watchfire.Component, error) {
	comp := st.Component(id)
	if comp == nil {
		return nil, watchfire.Errorf(watchfire.ENOTFOUND, "component %q not found", id)
	}
	out := *comp
	return &out, nil
}

// group resolves a group by id or by name, creating a named group that
// does not exist yet. Both empty means ungrouped.
func (c *change) group(id, name string) (string, error) {
	name = strings.TrimSpace(name)
	if id != "" {
		g := c.st.Group(id)
		if g == nil {
			return "", watchfire.Errorf(watchfire.ENOTFOUND, "group %q not found", id)
		}
		if name != "" && name != g.Name {
			return "", invalid("group_id %q and group %q name different groups; give one of them", id, name)
		}
		return id, nil
	}
	if name == "" {
		return "", nil
	}
	for _, g := range c.st.Groups {
		if strings.EqualFold(g.Name, name) {
			return g.ID, nil
		}
	}
	g := watchfire.Group{ID: slug(name), Name: name, Position: len(c.st.Groups) + 1, CreatedAt: c.now, UpdatedAt: c.now}
	if g.ID == "" || c.st.Group(g.ID) != nil {
		g.ID = watchfire.NewID()
	}
	if err := c.tx.UpsertGroup(c.ctx, &g); err != nil {
		return "", err
	}
	c.st.Groups = append(c.st.Groups, g)
	c.emit(watchfire.Event{Kind: watchfire.KindGroupUpdated, Message: "Group created: " + name})
	return g.ID, nil
}

func (c *change) nextPosition(groupID string) int {
	pos := 0
	for _, comp := range c.st.Components {
		if comp.GroupID == groupID && comp.Position > pos {
			pos = comp.Position
		}
	}
	return pos + 1
}

func manualStatus(s string) (watchfire.ComponentStatus, error) {
	switch {
	case s == "" || s == StatusAuto:
		return "", nil
	case watchfire.ComponentStatus(s).Valid():
		return watchfire.ComponentStatus(s), nil
	}
	return "", invalid("status: %q is not a component status; use %s, or %q to derive it again", s, statusList(), StatusAuto)
}

func manualMessage(s watchfire.ComponentStatus) string {
	if s == "" {
		return "Manual status cleared; the status is derived again."
	}
	return "Status set by an operator: " + string(s) + "."
}

func checkName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return invalid("name: required; give the name people will see")
	}
	if len(name) > 255 {
		return invalid("name: %d characters is too long; the limit is 255", len(name))
	}
	return nil
}

func startDateEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// slug turns a display name into an id: "Core Platform" → "core-platform".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 64 {
		s = strings.TrimSuffix(s[:64], "-")
	}
	return s
}
