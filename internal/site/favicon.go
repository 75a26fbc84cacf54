package site

import (
	"github.com/watchfire-status/watchfire"
)

// favicon draws the page's current status: a coloured disc with a mark,
// so the tab tells the state even to a reader who cannot tell the colours
// apart.
func favicon(ind watchfire.Indicator) []byte {
	fill, mark := "#1a7f37", `<path d="M9 16.5l4.5 4.5L23 11.5" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>`
	switch ind {
	case watchfire.IndicatorMinor:
		fill, mark = "#9a6700", exclamation
	case watchfire.IndicatorMajor:
		fill, mark = "#bc4c00", exclamation
	case watchfire.IndicatorCritical:
		fill, mark = "#cf222e", `<path d="M11 11l10 10M21 11L11 21" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/>`
	case watchfire.IndicatorMaintenance:
		fill, mark = "#0969da", `<path d="M16 9v8l5 3" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/>`
	}
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="` + fill + `"/>` + mark + `</svg>`)
}

const exclamation = `<path d="M16 8v10" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/><circle cx="16" cy="23.5" r="2.2" fill="#fff"/>`
