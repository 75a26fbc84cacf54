package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/alecthomas/kong"
)

// cli is the command line. Every verb that touches data takes the same
// --config and --database.
type cli struct {
	LogLevel  string `help:"Log level: debug, info, warn or error (env WATCHFIRE_LOG_LEVEL)." placeholder:"LEVEL"`
	LogFormat string `help:"Log format: text or json (env WATCHFIRE_LOG_FORMAT)." placeholder:"FORMAT"`

	Serve   serveCmd   `cmd:"" help:"Serve the status page's APIs and run the monitors. With no flags, runs the demo on ./watchfire.db."`
	Migrate migrateCmd `cmd:"" help:"Bring the database schema up to date."`
	Check   checkCmd   `cmd:"" help:"Run every monitor's probe once and print a table; exits 1 if any fails."`
	Export  exportCmd  `cmd:"" help:"Write the status page as static files to host away from your platform; --watch keeps them current."`
	Config  struct {
		Validate configValidateCmd `cmd:"" help:"Check a config file and report every problem with its line."`
	} `cmd:"" help:"Work with the config file."`
	Token struct {
		Create tokenCreateCmd `cmd:"" help:"Create an API token; prints the token alone on the last line."`
	} `cmd:"" help:"Manage API tokens."`
	Deps    depsCmd    `cmd:"" help:"Third-party dependencies: their status, and how a payload parses."`
	Tail    tailCmd    `cmd:"" help:"Follow a running server's events, one standard log line each (Ctrl-C to stop)."`
	Version versionCmd `cmd:"" help:"Print the version."`
}

// dataFlags are shared by every verb that reads or writes data.
type dataFlags struct {
	Config   string `help:"Config file (env WATCHFIRE_CONFIG). Default: the built-in demo." placeholder:"FILE" type:"path"`
	Database string `help:"Database: sqlite:PATH or postgres://… (env WATCHFIRE_DATABASE). Default: from the config, else sqlite:watchfire.db." placeholder:"DSN"`
}

// env is what every command gets besides its flags.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger

	// newLog makes another logger with the same level and format, writing
	// to w (the access log's buffered writer).
	newLog func(w io.Writer) *slog.Logger
}

// exitCode ends the process with a status and no message (help, usage).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run is the whole program, callable from tests: it parses args, runs one
// command, and returns when the command is done or ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	var c cli
	parser, err := kong.New(&c,
		kong.Name("watchfire"),
		kong.Description("Watchfire tells people the truth about a service and the services it depends on."),
		kong.Writers(stdout, stderr),
		kong.UsageOnError(),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
	)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			code, ok := v.(exitCode)
			if !ok {
				panic(v)
			}
			if code != 0 {
				err = code
			}
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "watchfire: %v\n", err)
		return exitCode(2)
	}
	level := firstNonEmpty(c.LogLevel, getenv("WATCHFIRE_LOG_LEVEL"))
	format := firstNonEmpty(c.LogFormat, getenv("WATCHFIRE_LOG_FORMAT"))
	log, err := newLogger(stderr, level, format)
	if err != nil {
		return err
	}
	newLog := func(w io.Writer) *slog.Logger {
		l, _ := newLogger(w, level, format) // the same settings were just accepted
		return l
	}
	return kctx.Run(&env{ctx: ctx, getenv: getenv, stdout: stdout, stderr: stderr, log: log, newLog: newLog})
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lvl slog.Level
	if level != "" {
		if err := lvl.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
		}
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
