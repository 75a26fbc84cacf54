// Command watchfire runs the Watchfire status platform. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/watchfire-status/watchfire"
)

// describe words an error for the person at the terminal: a domain
// error about their input shows its message, not the driver's detail.
func describe(err error) string {
	var e *watchfire.Error
	if errors.As(err, &e) && e.Err != nil {
		switch e.Code {
		case watchfire.EINVALID, watchfire.ENOTFOUND, watchfire.ECONFLICT, watchfire.EUNAUTHORIZED:
			return strings.Replace(err.Error(), e.Error(), e.Message, 1)
		}
	}
	return err.Error()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var exit exitCode
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		fmt.Fprintln(os.Stderr, "watchfire:", describe(err))
		os.Exit(1)
	}
}
