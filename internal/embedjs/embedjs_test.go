package embedjs

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestEmbedded(t *testing.T) {
	onDisk, err := os.ReadFile("embed.js")
	if err != nil {
		t.Fatal(err)
	}
	if len(Script) == 0 || !bytes.Equal(Script, onDisk) {
		t.Fatalf("Script is %d bytes, embed.js %d", len(Script), len(onDisk))
	}
	if len(Script) >= 4096 {
		t.Errorf("embed.js is %d bytes, keep it under 4 KB", len(Script))
	}
}

func TestNoUnsafeSinks(t *testing.T) {
	src := string(Script)
	for _, bad := range []string{
		"eval(", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
		"new Function", "Function(", "setTimeout('", `setTimeout("`, `setInterval("`, "setInterval('",
		"javascript:", "localStorage", "document.cookie",
	} {
		if strings.Contains(src, bad) {
			t.Errorf("embed.js contains %q", bad)
		}
	}
	// Text from the server goes in with textContent only.
	if !strings.Contains(src, "txt.textContent = st.description") {
		t.Error("the description is not set with textContent")
	}
	// Links only to http(s) URLs the document names.
	if !strings.Contains(src, "/^https?:$/.test(u.protocol)") {
		t.Error("the page URL's scheme is not checked")
	}
}

func TestShape(t *testing.T) {
	src := string(Script)
	for _, want := range []string{
		"'use strict'",
		"document.currentScript",
		"'api/v2/status.json'",
		"attachShadow",
		"prefers-color-scheme",
		"setInterval(load, 60000)",
		"data-position",
		"data-target",
		"credentials: 'omit'",
		".catch(function () {})",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("embed.js lacks %q", want)
		}
	}
	// Everything lives inside one IIFE: no globals.
	code := regexp.MustCompile(`(?s)^/\*.*?\*/\s*`).ReplaceAllString(src, "")
	if !strings.HasPrefix(code, "(function () {") || !strings.HasSuffix(strings.TrimSpace(code), "})();") {
		t.Errorf("embed.js is not a single IIFE:\n%.80s … %s", code, code[max(0, len(code)-20):])
	}
	for _, indicator := range []string{"none", "minor", "major", "critical", "maintenance"} {
		if !regexp.MustCompile(`\b` + indicator + `: '#[0-9a-f]{6}'`).MatchString(src) {
			t.Errorf("no colour for indicator %q", indicator)
		}
	}
}
