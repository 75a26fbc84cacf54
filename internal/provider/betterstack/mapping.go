package betterstack

import (
	"strings"
	"time"

	"github.com/watchfire-status/watchfire"
)

// resourceStatuses maps a resource's status, and the states reports and
// status updates give their affected resources.
//
// not_monitored means Better Stack is not checking the resource (a paused
// monitor): nothing is reported, so operational, with the vendor's word
// kept in VendorStatus.
var resourceStatuses = map[string]watchfire.ComponentStatus{
	"operational":   watchfire.StatusOperational,
	"not_monitored": watchfire.StatusOperational,
	"resolved":      watchfire.StatusOperational,
	"degraded":      watchfire.StatusDegradedPerformance,
	"downtime":      watchfire.StatusMajorOutage,
	"maintenance":   watchfire.StatusUnderMaintenance,
}

// UnknownResourceStatus is what a status we do not know maps to: not
// operational, and degraded surfaces it without claiming an outage. A
// missing status is operational.
const UnknownResourceStatus = watchfire.StatusDegradedPerformance

// ResourceStatus maps a resource's status.
func ResourceStatus(v string) watchfire.ComponentStatus {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		return watchfire.StatusOperational
	}
	if s, ok := resourceStatuses[v]; ok {
		return s
	}
	return UnknownResourceStatus
}

// Indicator maps the page's aggregate_state (operational, degraded,
// downtime, maintenance) by the rule Watchfire uses for its own page: the
// worst resource decides, and a resource down (Better Stack's
// "downtime", "major service disruption") makes it critical.
func Indicator(v string) watchfire.Indicator {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	switch ResourceStatus(v) {
	case watchfire.StatusOperational:
		return watchfire.IndicatorNone
	case watchfire.StatusUnderMaintenance:
		return watchfire.IndicatorMaintenance
	case watchfire.StatusDegradedPerformance:
		return watchfire.IndicatorMinor
	case watchfire.StatusPartialOutage:
		return watchfire.IndicatorMajor
	}
	return watchfire.IndicatorCritical
}

// Impact is the impact of a report whose aggregate_state is v: degraded
// is minor, downtime critical.
func Impact(v string) watchfire.Impact {
	return watchfire.ImpactFor(ResourceStatus(v))
}

// Report types: manual reports are incidents, maintenance reports are
// planned work.
const (
	reportManual      = "manual"
	reportMaintenance = "maintenance"
)

// reportResolved is a report's aggregate_state once it is over.
const reportResolved = "resolved"

// railsZones maps the Rails (ActiveSupport) time zone names Better Stack
// writes in timezone and published_at_timezone to IANA names. Timestamps
// carry offsets, so the zone matters only for the page's TimeZone and for
// a timestamp that would come without one.
var railsZones = map[string]string{
	"UTC":                          "UTC",
	"International Date Line West": "Etc/GMT+12",
	"American Samoa":               "Pacific/Pago_Pago",
	"Midway Island":                "Pacific/Midway",
	"Hawaii":                       "Pacific/Honolulu",
	"Alaska":                       "America/Juneau",
	"Pacific Time (US & Canada)":   "America/Los_Angeles",
	"Tijuana":                      "America/Tijuana",
	"Arizona":                      "America/Phoenix",
	"Mountain Time (US & Canada)":  "America/Denver",
	"Chihuahua":                    "America/Chihuahua",
	"Mazatlan":                     "America/Mazatlan",
	"Central Time (US & Canada)":   "America/Chicago",
	"Central America":              "America/Guatemala",
	"Guadalajara":                  "America/Mexico_City",
	"Mexico City":                  "America/Mexico_City",
	"Monterrey":                    "America/Monterrey",
	"Saskatchewan":                 "America/Regina",
	"Eastern Time (US & Canada)":   "America/New_York",
	"Indiana (East)":               "America/Indiana/Indianapolis",
	"Bogota":                       "America/Bogota",
	"Lima":                         "America/Lima",
	"Quito":                        "America/Lima",
	"Atlantic Time (Canada)":       "America/Halifax",
	"Caracas":                      "America/Caracas",
	"La Paz":                       "America/La_Paz",
	"Santiago":                     "America/Santiago",
	"Newfoundland":                 "America/St_Johns",
	"Brasilia":                     "America/Sao_Paulo",
	"Buenos Aires":                 "America/Argentina/Buenos_Aires",
	"Montevideo":                   "America/Montevideo",
	"Greenland":                    "America/Godthab",
	"Mid-Atlantic":                 "Atlantic/South_Georgia",
	"Azores":                       "Atlantic/Azores",
	"Cape Verde Is.":               "Atlantic/Cape_Verde",
	"Edinburgh":                    "Europe/London",
	"Lisbon":                       "Europe/Lisbon",
	"London":                       "Europe/London",
	"Monrovia":                     "Africa/Monrovia",
	"Dublin":                       "Europe/Dublin",
	"Amsterdam":                    "Europe/Amsterdam",
	"Belgrade":                     "Europe/Belgrade",
	"Berlin":                       "Europe/Berlin",
	"Bern":                         "Europe/Zurich",
	"Zurich":                       "Europe/Zurich",
	"Bratislava":                   "Europe/Bratislava",
	"Brussels":                     "Europe/Brussels",
	"Budapest":                     "Europe/Budapest",
	"Casablanca":                   "Africa/Casablanca",
	"Copenhagen":                   "Europe/Copenhagen",
	"Ljubljana":                    "Europe/Ljubljana",
	"Madrid":                       "Europe/Madrid",
	"Paris":                        "Europe/Paris",
	"Prague":                       "Europe/Prague",
	"Rome":                         "Europe/Rome",
	"Sarajevo":                     "Europe/Sarajevo",
	"Skopje":                       "Europe/Skopje",
	"Stockholm":                    "Europe/Stockholm",
	"Vienna":                       "Europe/Vienna",
	"Warsaw":                       "Europe/Warsaw",
	"West Central Africa":          "Africa/Algiers",
	"Zagreb":                       "Europe/Zagreb",
	"Athens":                       "Europe/Athens",
	"Bucharest":                    "Europe/Bucharest",
	"Cairo":                        "Africa/Cairo",
	"Harare":                       "Africa/Harare",
	"Helsinki":                     "Europe/Helsinki",
	"Jerusalem":                    "Asia/Jerusalem",
	"Kaliningrad":                  "Europe/Kaliningrad",
	"Kyiv":                         "Europe/Kiev",
	"Pretoria":                     "Africa/Johannesburg",
	"Riga":                         "Europe/Riga",
	"Sofia":                        "Europe/Sofia",
	"Tallinn":                      "Europe/Tallinn",
	"Vilnius":                      "Europe/Vilnius",
	"Baghdad":                      "Asia/Baghdad",
	"Istanbul":                     "Europe/Istanbul",
	"Kuwait":                       "Asia/Kuwait",
	"Minsk":                        "Europe/Minsk",
	"Moscow":                       "Europe/Moscow",
	"Nairobi":                      "Africa/Nairobi",
	"Riyadh":                       "Asia/Riyadh",
	"St. Petersburg":               "Europe/Moscow",
	"Volgograd":                    "Europe/Volgograd",
	"Tehran":                       "Asia/Tehran",
	"Abu Dhabi":                    "Asia/Muscat",
	"Baku":                         "Asia/Baku",
	"Muscat":                       "Asia/Muscat",
	"Samara":                       "Europe/Samara",
	"Tbilisi":                      "Asia/Tbilisi",
	"Yerevan":                      "Asia/Yerevan",
	"Kabul":                        "Asia/Kabul",
	"Ekaterinburg":                 "Asia/Yekaterinburg",
	"Islamabad":                    "Asia/Karachi",
	"Karachi":                      "Asia/Karachi",
	"Tashkent":                     "Asia/Tashkent",
	"Chennai":                      "Asia/Kolkata",
	"Kolkata":                      "Asia/Kolkata",
	"Mumbai":                       "Asia/Kolkata",
	"New Delhi":                    "Asia/Kolkata",
	"Sri Jayawardenepura":          "Asia/Colombo",
	"Kathmandu":                    "Asia/Kathmandu",
	"Almaty":                       "Asia/Almaty",
	"Astana":                       "Asia/Dhaka",
	"Dhaka":                        "Asia/Dhaka",
	"Urumqi":                       "Asia/Urumqi",
	"Rangoon":                      "Asia/Rangoon",
	"Bangkok":                      "Asia/Bangkok",
	"Hanoi":                        "Asia/Bangkok",
	"Jakarta":                      "Asia/Jakarta",
	"Krasnoyarsk":                  "Asia/Krasnoyarsk",
	"Novosibirsk":                  "Asia/Novosibirsk",
	"Beijing":                      "Asia/Shanghai",
	"Chongqing":                    "Asia/Chongqing",
	"Hong Kong":                    "Asia/Hong_Kong",
	"Irkutsk":                      "Asia/Irkutsk",
	"Kuala Lumpur":                 "Asia/Kuala_Lumpur",
	"Perth":                        "Australia/Perth",
	"Singapore":                    "Asia/Singapore",
	"Taipei":                       "Asia/Taipei",
	"Ulaanbaatar":                  "Asia/Ulaanbaatar",
	"Osaka":                        "Asia/Tokyo",
	"Sapporo":                      "Asia/Tokyo",
	"Seoul":                        "Asia/Seoul",
	"Tokyo":                        "Asia/Tokyo",
	"Yakutsk":                      "Asia/Yakutsk",
	"Adelaide":                     "Australia/Adelaide",
	"Darwin":                       "Australia/Darwin",
	"Brisbane":                     "Australia/Brisbane",
	"Canberra":                     "Australia/Canberra",
	"Guam":                         "Pacific/Guam",
	"Hobart":                       "Australia/Hobart",
	"Melbourne":                    "Australia/Melbourne",
	"Port Moresby":                 "Pacific/Port_Moresby",
	"Sydney":                       "Australia/Sydney",
	"Vladivostok":                  "Asia/Vladivostok",
	"Magadan":                      "Asia/Magadan",
	"New Caledonia":                "Pacific/Noumea",
	"Solomon Is.":                  "Pacific/Guadalcanal",
	"Srednekolymsk":                "Asia/Srednekolymsk",
	"Auckland":                     "Pacific/Auckland",
	"Fiji":                         "Pacific/Fiji",
	"Kamchatka":                    "Asia/Kamchatka",
	"Marshall Is.":                 "Pacific/Majuro",
	"Wellington":                   "Pacific/Auckland",
	"Chatham Is.":                  "Pacific/Chatham",
	"Nuku'alofa":                   "Pacific/Tongatapu",
	"Tokelau Is.":                  "Pacific/Fakaofo",
	"Samoa":                        "Pacific/Apia",
}

// IANAZone returns the IANA name for a Better Stack time zone: Rails
// names are translated, IANA names ("America/New_York", as the API docs
// show) pass through, and anything else is returned as written.
func IANAZone(name string) string {
	name = strings.TrimSpace(name)
	if z, ok := railsZones[name]; ok {
		return z
	}
	return name
}

// location loads the zone named by a Better Stack time zone, UTC when it
// is unknown or the system has no zone data.
func location(name string) *time.Location {
	z := IANAZone(name)
	if z == "" || z == "UTC" {
		return time.UTC
	}
	if loc, err := time.LoadLocation(z); err == nil {
		return loc
	}
	return time.UTC
}
