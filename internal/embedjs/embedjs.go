// Package embedjs holds embed.js, the status widget other sites include
// with
//
//	<script src="https://status.acme.test/embed.js" async></script>
//
// The script finds the status page from its own URL (the directory
// embed.js is served from, so a page under a path prefix works too),
// fetches <that base>api/v2/status.json (the server must send
// Access-Control-Allow-Origin: *), and shows a small widget in a closed
// shadow root: a coloured dot and the status description as text, linking
// to the page. It refreshes every 60 seconds (not while the tab is
// hidden), follows prefers-color-scheme, defines no globals, uses no eval
// or innerHTML, and does nothing at all when anything fails.
//
// Attributes on the script element:
//
//	data-position  bottom-right (default), bottom-left, top-right,
//	               top-left, or inline
//	data-target    with inline: a CSS selector of the element the widget
//	               replaces
package embedjs

import _ "embed"

// Script is the content of embed.js; serve it as text/javascript.
//
//go:embed embed.js
var Script []byte
