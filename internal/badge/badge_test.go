package badge

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/watchfire-status/watchfire"
)

// parse checks that svg is well-formed XML and returns its root's
// attributes, its title and all the text of its <text> elements.
func parse(t *testing.T, svg []byte) (root map[string]string, title string, texts []string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	root = map[string]string{}
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root %v", tok.Name)
				}
				for _, a := range tok.Attr {
					root[a.Name.Local] = a.Value
				}
			}
			stack = append(stack, tok.Name.Local)
			if tok.Name.Local == "text" {
				texts = append(texts, "")
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "title":
				title += string(tok)
			case "text":
				texts[len(texts)-1] += string(tok)
			}
		}
	}
	return root, title, texts
}

func TestAccessibleAndWellFormed(t *testing.T) {
	svg := Status("API Gateway", "Operational", watchfire.StatusOperational)
	root, title, texts := parse(t, svg)
	if root["role"] != "img" || root["aria-label"] != "API Gateway: Operational" || title != "API Gateway: Operational" {
		t.Errorf("role %q aria-label %q title %q", root["role"], root["aria-label"], title)
	}
	if root["height"] != "20" {
		t.Errorf("height %q", root["height"])
	}
	want := []string{"API Gateway", "API Gateway", "Operational", "Operational"} // shadow and text
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("texts %q", texts)
	}
	if !bytes.Contains(svg, []byte(`fill="`+ColorLabel+`"`)) || !bytes.Contains(svg, []byte(`fill="`+ColorBrightGreen+`"`)) {
		t.Errorf("colours missing:\n%s", svg)
	}

	// Without a label: the value alone.
	root, title, texts = parse(t, NotFound("", "not found"))
	if title != "not found" || root["aria-label"] != "not found" || len(texts) != 2 {
		t.Errorf("no label: title %q texts %q", title, texts)
	}
}

func TestEscaping(t *testing.T) {
	label := `<script>alert("x")</script> & 'co'`
	text := "a\x00b </text><text>"
	svg := Status(label, text, watchfire.StatusMajorOutage)
	root, title, texts := parse(t, svg)
	if bytes.Contains(svg, []byte("<script")) || bytes.Contains(svg, []byte("</text><text>")) {
		t.Errorf("unescaped:\n%s", svg)
	}
	wantText := "a\uFFFDb </text><text>"
	if root["aria-label"] != label+": "+wantText || title != label+": "+wantText {
		t.Errorf("aria-label %q title %q", root["aria-label"], title)
	}
	if texts[0] != label || texts[2] != wantText {
		t.Errorf("texts %q", texts)
	}
}

func TestWidths(t *testing.T) {
	// Widths grow with the text, and wide letters are wider than narrow.
	prev := 0
	for _, s := range []string{"", "i", "ii", "iii", "Operational", "Operational!", "Major outage in progress"} {
		w, _ := strconv.Atoi(parseRoot(t, Status("API", s, watchfire.StatusOperational))["width"])
		if w <= prev && s != "" {
			t.Errorf("width of %q = %d, not more than %d", s, w, prev)
		}
		prev = w
	}
	if Width("WWW") <= Width("iii") || Width("m") <= Width("n") {
		t.Error("wide letters not wider")
	}
	// Verdana's digits are all 7 px at 11 px.
	if got := Width("0123456789"); math.Abs(got-70) > 0.1 {
		t.Errorf("digits %v px, want 70", got)
	}
	// Accented letters measure like their base letter; CJK is full width;
	// combining marks take no room.
	if Width("Opérationnel") != Width("Operationnel") || Width("É") != Width("E") {
		t.Error("accented letters")
	}
	if Width("障害") != 22 {
		t.Errorf("CJK width %v", Width("障害"))
	}
	if Width("e\u0301") != Width("e") {
		t.Error("combining mark has width")
	}
	if Width("99,98\u202f%") != Width("99,98 %") {
		t.Error("narrow no-break space")
	}

	// The boxes fit the text with padding and add up to the badge width.
	svg := Uptime("uptime 30d", "99,98 %", 99.98, false)
	rects := regexp.MustCompile(`<rect (?:x="(\d+)" )?width="(\d+)" height="20" fill="#`).FindAllStringSubmatch(string(svg), -1)
	if len(rects) != 2 {
		t.Fatalf("rects %q", rects)
	}
	lw, _ := strconv.Atoi(rects[0][2])
	vx, _ := strconv.Atoi(rects[1][1])
	vw, _ := strconv.Atoi(rects[1][2])
	total, _ := strconv.Atoi(parseRoot(t, svg)["width"])
	if lw != vx || lw+vw != total {
		t.Errorf("label %d, value at %d width %d, total %d", lw, vx, vw, total)
	}
	if float64(lw) < Width("uptime 30d")+10 || float64(lw) > Width("uptime 30d")+11 {
		t.Errorf("label box %d for text %v", lw, Width("uptime 30d"))
	}
}

func parseRoot(t *testing.T, svg []byte) map[string]string {
	root, _, _ := parse(t, svg)
	return root
}

func TestColors(t *testing.T) {
	for status, want := range map[watchfire.ComponentStatus]string{
		watchfire.StatusOperational:         ColorBrightGreen,
		watchfire.StatusDegradedPerformance: ColorYellow,
		watchfire.StatusPartialOutage:       ColorOrange,
		watchfire.StatusMajorOutage:         ColorRed,
		watchfire.StatusUnderMaintenance:    ColorBlue,
		"":                                  ColorGrey,
		"bogus":                             ColorGrey,
	} {
		if got := StatusColor(status); got != want {
			t.Errorf("StatusColor(%q) = %s, want %s", status, got, want)
		}
		if !bytes.Contains(Status("x", "y", status), []byte(`fill="`+want+`"`)) {
			t.Errorf("Status badge for %q is not %s", status, want)
		}
	}
	for _, tt := range []struct {
		pct    float64
		noData bool
		want   string
	}{
		{100, false, ColorBrightGreen}, {99.9, false, ColorBrightGreen}, {99.89, false, ColorGreen},
		{99, false, ColorGreen}, {98.99, false, ColorYellow}, {95, false, ColorYellow},
		{94.9, false, ColorOrange}, {90, false, ColorOrange}, {89.9, false, ColorRed}, {0, false, ColorRed},
		{100, true, ColorGrey}, {0, true, ColorGrey}, {math.NaN(), false, ColorGrey},
	} {
		if got := UptimeColor(tt.pct, tt.noData); got != tt.want {
			t.Errorf("UptimeColor(%v, %v) = %s, want %s", tt.pct, tt.noData, got, tt.want)
		}
	}
	if !bytes.Contains(NotFound("api", "not found"), []byte(`fill="`+ColorGrey+`"`)) {
		t.Error("NotFound is not grey")
	}
}

// TestContrast checks WCAG 2 AA (4.5:1 for normal text) between the white
// text and every background.
func TestContrast(t *testing.T) {
	white := luminance("#ffffff")
	for _, c := range []string{ColorLabel, ColorBrightGreen, ColorGreen, ColorYellow, ColorOrange, ColorRed, ColorBlue, ColorGrey} {
		ratio := (white + 0.05) / (luminance(c) + 0.05)
		if ratio < 4.5 {
			t.Errorf("%s on white text: contrast %.2f:1, want at least 4.5:1", c, ratio)
		}
	}
	// Sanity check of the formula: black on white is 21:1.
	if r := (white + 0.05) / (luminance("#000000") + 0.05); math.Abs(r-21) > 1e-9 {
		t.Errorf("black/white contrast %v", r)
	}
}

// luminance is the WCAG 2 relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		panic("bad colour " + hex)
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(v>>16&0xff) + 0.7152*channel(v>>8&0xff) + 0.0722*channel(v&0xff)
}

func TestDeterministicUniqueIDs(t *testing.T) {
	a := Status("API", "Operational", watchfire.StatusOperational)
	if !bytes.Equal(a, Status("API", "Operational", watchfire.StatusOperational)) {
		t.Error("not deterministic")
	}
	id := regexp.MustCompile(`clipPath id="([^"]+)"`)
	b := Status("Web", "Operational", watchfire.StatusOperational)
	if id.FindSubmatch(a) == nil || string(id.FindSubmatch(a)[1]) == string(id.FindSubmatch(b)[1]) {
		t.Error("two badges share clip path ids")
	}
}
