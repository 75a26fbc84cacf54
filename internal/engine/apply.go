package engine

import (
	"context"
	"slices"

	"github.com/watchfire-status/watchfire"
)

// Desired is what a config file declares.
type Desired struct {
	Pages      []watchfire.Page
	Groups     []watchfire.Group
	Components []watchfire.Component
}

// Apply makes the store match the config: it creates what is missing and
// updates what differs, and records an event for each change. It never
// deletes: components made through the API are not in the file and stay.
// Statuses are left to derivation; a component's manual override set
// through the API survives a restart.
func (e *Engine) Apply(ctx context.Context, d Desired) error {
	_, err := e.write(ctx, Origin{Source: watchfire.SourceConfig}, func(c *change) error {
		for _, p := range d.Pages {
			p := p
			old := c.st.Page(p.ID)
			if old != nil && samePage(old, &p) {
				continue
			}
			p.CreatedAt, p.UpdatedAt = c.now, c.now
			if old != nil {
				p.CreatedAt = old.CreatedAt
			}
			if err := c.tx.UpsertPage(c.ctx, &p); err != nil {
				return err
			}
			if old != nil {
				*old = p
			} else {
				c.st.Pages = append(c.st.Pages, p)
			}
			c.emit(watchfire.Event{Kind: watchfire.KindPageUpdated, PageID: p.ID, Product: p.Name, Message: "Page configured."})
		}
		for _, g := range d.Groups {
			g := g
			old := c.st.Group(g.ID)
			if old != nil && old.Name == g.Name && old.Description == g.Description && old.Position == g.Position {
				continue
			}
			g.CreatedAt, g.UpdatedAt = c.now, c.now
			if old != nil {
				g.CreatedAt = old.CreatedAt
			}
			if err := c.tx.UpsertGroup(c.ctx, &g); err != nil {
				return err
			}
			if old != nil {
				*old = g
			} else {
				c.st.Groups = append(c.st.Groups, g)
			}
			c.emit(watchfire.Event{Kind: watchfire.KindGroupUpdated, Message: "Group configured: " + g.Name})
		}
		for _, want := range d.Components {
			if err := c.applyComponent(want); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

func (c *change) applyComponent(want watchfire.Component) error {
	old := c.st.Component(want.ID)
	if old == nil {
		want.Status = watchfire.StatusOperational
		want.ManualStatus, want.MonitorStatus = "", ""
		want.CreatedAt, want.UpdatedAt = c.now, c.now
		if err := c.tx.CreateComponent(c.ctx, &want); err != nil {
			return err
		}
		c.st.Components = append(c.st.Components, want)
		c.emit(watchfire.Event{Kind: watchfire.KindComponentCreated, PageID: c.pageFor(want.ID),
			Product: c.productFor(want.ID), ComponentID: want.ID, ComponentName: want.Name,
			NewStatus: string(want.Status), Message: "Component configured."})
		return nil
	}
	next := *old
	next.Name, next.Description, next.GroupID, next.Position = want.Name, want.Description, want.GroupID, want.Position
	next.Showcase, next.OnlyShowIfDegraded = want.Showcase, want.OnlyShowIfDegraded
	if !startDateEqual(want.StartDate, old.StartDate) {
		next.StartDate = want.StartDate
	}
	if next == *old { // StartDate is the same pointer unless the date changed
		return nil
	}
	next.UpdatedAt = c.now
	*old = next
	if err := c.tx.UpdateComponent(c.ctx, old); err != nil {
		return err
	}
	c.emit(watchfire.Event{Kind: watchfire.KindComponentUpdated, PageID: c.pageFor(old.ID),
		Product: c.productFor(old.ID), ComponentID: old.ID, ComponentName: old.Name, Message: "Component configured."})
	return nil
}

func samePage(a, b *watchfire.Page) bool {
	return a.Name == b.Name && a.URL == b.URL && a.TimeZone == b.TimeZone && a.Locale == b.Locale &&
		a.Host == b.Host && a.PathPrefix == b.PathPrefix && a.Position == b.Position &&
		slices.Equal(a.Components, b.Components)
}
