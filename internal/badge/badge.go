// Package badge draws shields.io-style "flat" SVG badges: a grey label on
// the left, a coloured value on the right, for a component's status or
// uptime.
//
// Badges are accessible: the SVG has role="img", an aria-label and a
// <title> holding the whole text, and the visible text is hidden from
// assistive technology so that it is not read twice. Every colour keeps a
// WCAG AA contrast ratio (4.5:1) with the white text, so the palette is
// darker than shields.io's.
//
// Text is measured with an embedded table of Verdana's advance widths at
// 11 px (the badge font; Geneva and DejaVu Sans, the fallbacks, are close
// enough), so the server needs no font. Characters outside the table get
// an estimate.
package badge

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"math"
	"unicode"

	"github.com/watchfire-status/watchfire"
)

// Colours of the value side; each has a contrast ratio of at least 4.5:1
// with white.
const (
	ColorLabel       = "#555555"
	ColorBrightGreen = "#1a7f37"
	ColorGreen       = "#527a00"
	ColorYellow      = "#8a6d00"
	ColorOrange      = "#b35400"
	ColorRed         = "#c62828"
	ColorBlue        = "#0969da"
	ColorGrey        = "#6e6e6e"
)

// StatusColor returns the value colour of a component status.
func StatusColor(status watchfire.ComponentStatus) string {
	switch status {
	case watchfire.StatusOperational:
		return ColorBrightGreen
	case watchfire.StatusDegradedPerformance:
		return ColorYellow
	case watchfire.StatusPartialOutage:
		return ColorOrange
	case watchfire.StatusMajorOutage:
		return ColorRed
	case watchfire.StatusUnderMaintenance:
		return ColorBlue
	}
	return ColorGrey
}

// UptimeColor returns the value colour of an uptime percentage.
func UptimeColor(pct float64, noData bool) string {
	switch {
	case noData || math.IsNaN(pct):
		return ColorGrey
	case pct >= 99.9:
		return ColorBrightGreen
	case pct >= 99:
		return ColorGreen
	case pct >= 95:
		return ColorYellow
	case pct >= 90:
		return ColorOrange
	}
	return ColorRed
}

// Status returns a badge for a component status, e.g. "API Gateway" |
// "Operational". label and text are shown as given (already localized).
func Status(label, text string, status watchfire.ComponentStatus) []byte {
	return Render(label, text, StatusColor(status))
}

// Uptime returns a badge for an uptime percentage, e.g. "uptime 30d" |
// "99,98 %"; noData draws it grey whatever pct says.
func Uptime(label, text string, pct float64, noData bool) []byte {
	return Render(label, text, UptimeColor(pct, noData))
}

// NotFound returns a grey badge, for a component that does not exist
// (served with status 404).
func NotFound(label, text string) []byte {
	return Render(label, text, ColorGrey)
}

const (
	height   = 20
	padding  = 5  // px on each side of a text
	fontSize = 11 // px
)

// Render returns a flat badge with label on grey and text on color (a
// CSS colour such as "#1a7f37"). An empty label draws the value alone.
func Render(label, text, color string) []byte {
	lw, tw := 0.0, Width(text)
	labelBox := 0
	if label != "" {
		lw = Width(label)
		labelBox = int(math.Ceil(lw)) + 2*padding
	}
	valueBox := int(math.Ceil(tw)) + 2*padding
	total := labelBox + valueBox

	full := text
	if label != "" {
		full = label + ": " + text
	}
	// Ids unique to the badge's content, so that several badges inlined in
	// one HTML document do not share gradients or clip paths.
	h := fnv.New32a()
	fmt.Fprintf(h, "%s\x00%s\x00%s", label, text, color)
	id := fmt.Sprintf("wf%08x", h.Sum32())

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		total, height, total, height, esc(full))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(full))
	fmt.Fprintf(&b, `<linearGradient id="%s-s" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`, id)
	fmt.Fprintf(&b, `<clipPath id="%s-r"><rect width="%d" height="%d" rx="3" fill="#fff"/></clipPath>`, id, total, height)
	fmt.Fprintf(&b, `<g clip-path="url(#%s-r)">`, id)
	if labelBox > 0 {
		fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="%s"/>`, labelBox, height, ColorLabel)
	}
	fmt.Fprintf(&b, `<rect x="%d" width="%d" height="%d" fill="%s"/>`, labelBox, valueBox, height, esc(color))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="url(#%s-s)"/></g>`, total, height, id)
	// Text is drawn at ten times the size and scaled down, as shields.io
	// does, for sub-pixel positioning; aria-hidden because the title says it.
	fmt.Fprintf(&b, `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="%d" aria-hidden="true">`, fontSize*10)
	if labelBox > 0 {
		writeText(&b, label, lw, float64(labelBox)/2)
	}
	writeText(&b, text, tw, float64(labelBox)+float64(valueBox)/2)
	b.WriteString(`</g></svg>`)
	return b.Bytes()
}

func writeText(b *bytes.Buffer, s string, width, center float64) {
	x := int(math.Round(center * 10))
	l := int(math.Round(width * 10))
	fmt.Fprintf(b, `<text x="%d" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="%d">%s</text>`, x, l, esc(s))
	fmt.Fprintf(b, `<text x="%d" y="140" transform="scale(.1)" textLength="%d">%s</text>`, x, l, esc(s))
}

// esc escapes s for XML text and attribute values; characters XML cannot
// hold become U+FFFD.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Width returns the width in pixels of s in Verdana 11 px.
func Width(s string) float64 {
	units := 0
	for _, r := range s {
		units += advance(r)
	}
	return float64(units) * fontSize / unitsPerEm
}

const unitsPerEm = 2048

// verdana holds the advance widths, in font units of a 2048-unit em, of
// Verdana's printable ASCII characters, from ' ' (0x20) to '~' (0x7e).
var verdana = [95]uint16{
	// space ! " # $ % & ' ( ) * + , - . /
	720, 806, 940, 1676, 1302, 2204, 1488, 550, 903, 903, 1302, 1676, 731, 903, 731, 909,
	// 0-9
	1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302,
	// : ; < = > ? @
	909, 909, 1676, 1676, 1676, 1117, 2048,
	// A-Z
	1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 862, 909, 1424, 1141, 1726,
	1532, 1612, 1235, 1612, 1424, 1400, 1241, 1507, 1401, 2025, 1403, 1245, 1405,
	// [ \ ] ^ _ `
	903, 909, 903, 1676, 1302, 1302,
	// a-z
	1229, 1264, 1075, 1264, 1198, 720, 1264, 1278, 562, 683, 1207, 562, 1986,
	1278, 1221, 1264, 1264, 874, 1064, 807, 1278, 1198, 1665, 1198, 1198, 1074,
	// { | } ~
	1300, 909, 1300, 1676,
}

// latin maps the letters of Latin-1 Supplement and Latin Extended-A that
// carry diacritics to the ASCII letter of about the same width.
var latin = map[rune]rune{}

func init() {
	for base, letters := range map[rune]string{
		'A': "ÀÁÂÃÄÅĀĂĄ", 'C': "ÇĆĈĊČ", 'D': "ÐĎĐ", 'E': "ÈÉÊËĒĔĖĘĚ", 'G': "ĜĞĠĢ", 'H': "ĤĦ",
		'I': "ÌÍÎÏĨĪĬĮİ", 'J': "Ĵ", 'K': "Ķ", 'L': "ĹĻĽĿŁ", 'N': "ÑŃŅŇ", 'O': "ÒÓÔÕÖØŌŎŐ",
		'R': "ŔŖŘ", 'S': "ŚŜŞŠ", 'T': "ŢŤŦ", 'U': "ÙÚÛÜŨŪŬŮŰŲ", 'W': "Ŵ", 'Y': "ÝŶŸ", 'Z': "ŹŻŽ",
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęě", 'g': "ĝğġģ", 'h': "ĥħ",
		'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ", 'l': "ĺļľŀł", 'n': "ñńņňŉ", 'o': "òóôõöøōŏő",
		'r': "ŕŗř", 's': "śŝşšß", 't': "ţťŧ", 'u': "ùúûüũūŭůűų", 'w': "ŵ", 'y': "ýÿŷ", 'z': "źżž",
	} {
		for _, r := range letters {
			latin[r] = base
		}
	}
}

// advance returns the advance width of r in font units: Verdana's for
// ASCII and accented Latin letters, an estimate for the rest.
func advance(r rune) int {
	if r >= 0x20 && r <= 0x7e {
		return int(verdana[r-0x20])
	}
	if base, ok := latin[r]; ok {
		return int(verdana[base-0x20])
	}
	switch {
	case r == 0xa0 || r == 0x202f || r == 0x2009: // no-break, narrow no-break, thin space
		return int(verdana[0])
	case r == 'Æ' || r == 'Œ':
		return 2150
	case r == 'æ' || r == 'œ':
		return 1925
	case r == '–' || r == '—' || r == '…':
		return 2048
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		return 0 // combining marks and format characters take no room
	case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || (r >= 0xff01 && r <= 0xff60):
		return unitsPerEm // full-width
	case r >= 0x1f000:
		return unitsPerEm // emoji and other symbols
	}
	return 1302 // about an average Verdana letter (a digit's width)
}
