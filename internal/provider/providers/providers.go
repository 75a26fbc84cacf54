// Package providers lists every status-page provider Watchfire knows.
// Adding one is a package under internal/provider/ and one line here.
package providers

import (
	"github.com/watchfire-status/watchfire/internal/provider"
	"github.com/watchfire-status/watchfire/internal/provider/apple"
	"github.com/watchfire-status/watchfire/internal/provider/atlassian"
	"github.com/watchfire-status/watchfire/internal/provider/aws"
	"github.com/watchfire-status/watchfire/internal/provider/betterstack"
	"github.com/watchfire-status/watchfire/internal/provider/cachet"
	"github.com/watchfire-status/watchfire/internal/provider/checkly"
	"github.com/watchfire-status/watchfire/internal/provider/feed"
	"github.com/watchfire-status/watchfire/internal/provider/gcp"
	"github.com/watchfire-status/watchfire/internal/provider/heroku"
	"github.com/watchfire-status/watchfire/internal/provider/incidentio"
	"github.com/watchfire-status/watchfire/internal/provider/instatus"
	"github.com/watchfire-status/watchfire/internal/provider/salesforce"
	"github.com/watchfire-status/watchfire/internal/provider/slack"
	"github.com/watchfire-status/watchfire/internal/provider/statusio"
	"github.com/watchfire-status/watchfire/internal/provider/watchfireprovider"
	"github.com/watchfire-status/watchfire/internal/provider/yandexcloud"
)

// Table is every provider, in the order the cascade tries them on a page
// whose address claims none (see provider.Registry.Order):
//   - incident.io before Atlassian, whose JSON it imitates: each claims
//     only what is surely its own;
//   - the hosted platforms next, the vendors' own formats after them
//     (their paths 404 quickly on anyone else's site);
//   - Watchfire, which reads like Atlassian, once those have passed;
//   - a plain RSS/Atom feed last: almost any site has one.
func Table() []provider.Provider {
	return []provider.Provider{
		incidentio.New(),
		atlassian.New(),
		instatus.New(),
		betterstack.New(),
		statusio.New(),
		cachet.New(),
		gcp.New(),
		slack.New(),
		apple.New(),
		aws.New(),
		heroku.New(),
		salesforce.New(),
		checkly.New(),
		yandexcloud.New(),
		watchfireprovider.New(),
		feed.New(),
	}
}

// Registry returns a registry of every provider.
func Registry() *provider.Registry {
	return provider.NewRegistry(Table()...)
}
