// Package examples embeds the reference configuration so that the binary
// can run the demo with no file on disk.
package examples

import _ "embed"

// DemoConfigName is the file name to load DemoConfig under, so that errors
// point at examples/watchfire.yaml.
const DemoConfigName = "watchfire.yaml"

// DemoConfig is examples/watchfire.yaml.
//
//go:embed watchfire.yaml
var DemoConfig []byte
