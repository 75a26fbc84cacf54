package providers

import (
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
	"github.com/watchfire-status/watchfire/internal/provider/betterstack"
	"github.com/watchfire-status/watchfire/internal/provider/generic"
	"github.com/watchfire-status/watchfire/internal/provider/incidentio"
	"github.com/watchfire-status/watchfire/internal/provider/instatus"
)

// Webhooks is every webhook adapter, one per POST /webhooks/{provider}
// path: the vendors that push (Statuspage, incident.io, Instatus, Better
// Stack), then Watchfire's own generic event JSON. Each vendor's adapter
// is its provider (its package's compile-time assertion guarantees it);
// generic is an adapter only.
func Webhooks() []provider.WebhookAdapter {
	return []provider.WebhookAdapter{
		webhook(atlassian.New()),
		webhook(incidentio.New()),
		webhook(instatus.New()),
		webhook(betterstack.New()),
		generic.New(),
	}
}

// webhook is the adapter side of a provider that has one.
func webhook(p provider.Provider) provider.WebhookAdapter {
	return p.(provider.WebhookAdapter)
}
