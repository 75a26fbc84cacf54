package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire/internal/store/storetest"
)

// lockedBuffer collects a command's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// instance is a Watchfire server started through run().
type instance struct {
	t      *testing.T
	url    string
	dsn    string
	config string
	token  string
	stdout *lockedBuffer
	stderr *lockedBuffer
	stop   func() error
}

// backends lists the databases every end-to-end test runs against:
// SQLite always, PostgreSQL when WATCHFIRE_TEST_POSTGRES is set.
func backends(t *testing.T) map[string]func(t *testing.T) string {
	b := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "watchfire.db") },
	}
	if os.Getenv("WATCHFIRE_TEST_POSTGRES") != "" {
		b["postgres"] = func(t *testing.T) string { return storetest.PostgresDSN(t) }
	}
	return b
}

// forEachBackend runs fn as a parallel subtest per database.
func forEachBackend(t *testing.T, fn func(t *testing.T, dsn func(t *testing.T) string)) {
	for name, dsn := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, dsn)
		})
	}
}

func runCmd(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb lockedBuffer
	getenv := func(k string) string { return env[k] }
	err = run(context.Background(), args, getenv, &out, &errb)
	return out.String(), errb.String(), err
}

var servingLine = regexp.MustCompile(`serving .* on (http://\S+)/`)

// start runs `watchfire serve` on a free port and waits until it serves.
func start(t *testing.T, dsn string, config string, extraArgs ...string) *instance {
	t.Helper()
	in := &instance{t: t, dsn: dsn, config: config, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	args := []string{"serve", "--listen", "127.0.0.1:0", "--database", dsn}
	if config != "" {
		args = append(args, "--config", config)
	}
	args = append(args, extraArgs...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }, in.stdout, in.stderr) }()
	var once sync.Once
	var stopErr error
	in.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(20 * time.Second):
				stopErr = fmt.Errorf("server did not stop within 20s")
			}
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := in.stop(); err != nil {
			t.Errorf("serve returned %v; stderr:\n%s", err, in.stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingLine.FindStringSubmatch(in.stdout.String()); m != nil {
			in.url = m[1]
			return in
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\nstderr:\n%s", err, in.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("server did not start; stdout:\n%s\nstderr:\n%s", in.stdout.String(), in.stderr.String())
	return nil
}

// createToken makes a token with the CLI against the instance's database.
func (in *instance) createToken(name string) string {
	in.t.Helper()
	args := []string{"token", "create", "--name", name, "--database", in.dsn}
	if in.config != "" {
		args = append(args, "--config", in.config)
	}
	out, errOut, err := runCmd(in.t, nil, args...)
	if err != nil {
		in.t.Fatalf("token create: %v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok := lines[len(lines)-1]
	if !strings.HasPrefix(tok, "wf_") {
		in.t.Fatalf("token create printed %q on its last line, want the token", tok)
	}
	in.token = tok
	return tok
}

// wireTransport neither asks for gzip nor decompresses: tests see the wire.
var wireTransport = &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return v
}

// do sends a request; body may be a string (sent as is) or a value
// (encoded as JSON). It sends the instance's token when it has one.
func (in *instance) do(method, path string, body any, headers ...string) response {
	in.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			in.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, in.url+path, rd)
	if err != nil {
		in.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if in.token != "" {
		req.Header.Set("Authorization", "Bearer "+in.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := wireTransport.RoundTrip(req)
	if err != nil {
		in.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		in.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func (in *instance) mustDo(wantStatus int, method, path string, body any, headers ...string) map[string]any {
	in.t.Helper()
	r := in.do(method, path, body, headers...)
	if r.status != wantStatus {
		in.t.Fatalf("%s %s = %d, want %d\n%s", method, path, r.status, wantStatus, r.body)
	}
	if r.status == http.StatusNoContent || r.status == http.StatusNotModified {
		return nil
	}
	return r.json(in.t)
}

func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loopbackOnly returns a transport that refuses every address but
// loopback ones, with an error that names the rule.
func loopbackOnly() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	t.Proxy = nil
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("tests may not reach %s: only loopback addresses are allowed", addr)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	return t
}
