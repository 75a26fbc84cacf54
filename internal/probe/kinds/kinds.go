// Package kinds lists every probe kind Watchfire knows. Adding a kind is
// one package under internal/probe/ and one line here.
package kinds

import (
	"github.com/watchfire-status/watchfire/internal/probe"
	"github.com/watchfire-status/watchfire/internal/probe/dnsprobe"
	"github.com/watchfire-status/watchfire/internal/probe/grpcprobe"
	"github.com/watchfire-status/watchfire/internal/probe/heartbeatprobe"
	"github.com/watchfire-status/watchfire/internal/probe/httpprobe"
	"github.com/watchfire-status/watchfire/internal/probe/icmpprobe"
	"github.com/watchfire-status/watchfire/internal/probe/selfprobe"
	"github.com/watchfire-status/watchfire/internal/probe/tcpprobe"
	"github.com/watchfire-status/watchfire/internal/probe/tlsprobe"
	"github.com/watchfire-status/watchfire/internal/probe/wsprobe"
)

// Table maps a monitor type, as written in the config, to its probe.
var Table = map[string]probe.Factory{
	"dns":       dnsprobe.New,
	"grpc":      grpcprobe.New,
	"heartbeat": heartbeatprobe.New,
	"http":      httpprobe.New,
	"icmp":      icmpprobe.New,
	"self":      selfprobe.New,
	"tcp":       tcpprobe.New,
	"tls":       tlsprobe.New,
	"websocket": wsprobe.New,
}
