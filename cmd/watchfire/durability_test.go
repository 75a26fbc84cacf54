package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store"
)

// childEnv carries the arguments of a server process started from this
// test binary (see TestMain), separated by \x1f.
const childEnv = "WATCHFIRE_TEST_CHILD"

func runChild(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "watchfire:", err)
		return 1
	}
	return 0
}

// child is a `watchfire serve` in its own process.
type child struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
	exited chan struct{}
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(args, "\x1f"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() { c.kill() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case c.url = <-found:
		return c
	case <-c.exited:
		t.Fatalf("server process exited early:\n%s", c.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server process did not start:\n%s", c.stderr.String())
	}
	return nil
}

func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

func newestEvent(t *testing.T, dsn string) int64 {
	t.Helper()
	db, err := openDatabase(t.Context(), dsn, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.Events(t.Context(), watchfire.EventFilter{Limit: 1})
	if err != nil || len(evs) == 0 {
		t.Fatalf("no event after the config was applied: %v", err)
	}
	return evs[0].ID
}

// burst posts distinct generic deliveries from clients until stop is
// closed, and returns the ids of those answered 202.
func burst(url, round string, clients int, stop <-chan struct{}, acked *atomic.Int64) []string {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("%s-%d-%d", round, c, n)
				body := fmt.Sprintf(`{"id":%q,"product":"Durability","component":%q,"status":"major_outage"}`, id, id)
				resp, err := client.Post(url+"/webhooks/generic", "application/json", strings.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					mu.Lock()
					ids = append(ids, id)
					mu.Unlock()
					acked.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return ids
}

// Kill the server with SIGKILL in the middle of a burst of concurrent
// webhook deliveries, restart it: every delivery that got a 202 is
// stored exactly once, and processed into exactly one event. CI runs one
// round per database; WATCHFIRE_DURABILITY_ROUNDS=10 runs the full form.
func TestWebhookDurabilityUnderSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	t.Parallel()
	rounds := 1
	if v := os.Getenv("WATCHFIRE_DURABILITY_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("WATCHFIRE_DURABILITY_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		database := dsn(t)
		cfg := writeFile(t, "watchfire.yaml", "page: {name: Durability}\ncomponents:\n  - {id: api, name: API}\n"+
			"webhooks: {open: true}\nevent_log: {output: \"off\"}\n")
		args := []string{"serve", "--listen", "127.0.0.1:0", "--database", database, "--config", cfg}
		var acked []string
		var baseline int64 // the newest event before any delivery: where the count starts
		for round := range rounds {
			c := startChild(t, args...)
			if round == 0 {
				baseline = newestEvent(t, database)
			}
			stop := make(chan struct{})
			var n atomic.Int64
			done := make(chan []string, 1)
			go func() { done <- burst(c.url, fmt.Sprintf("r%d", round), 32, stop, &n) }()
			// Kill once the burst is well under way, at a moment that
			// varies from round to round.
			for n.Load() < int64(200+50*round) {
				time.Sleep(time.Millisecond)
			}
			c.kill()
			close(stop)
			ids := <-done
			t.Logf("round %d: %d deliveries acknowledged before SIGKILL", round, len(ids))
			acked = append(acked, ids...)
		}

		// Restart: what was committed but not applied is applied now.
		c := startChild(t, args...)
		db, err := openDatabase(t.Context(), database, false)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		deadline := time.Now().Add(60 * time.Second)
		for {
			pending, err := db.PendingPayloads(t.Context(), 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("payloads still pending a minute after the restart, from %d", pending[0].ID)
			}
			time.Sleep(50 * time.Millisecond)
		}
		c.kill()

		stored := map[string]int{} // vendor event id → processed payloads
		states := map[string]int{} // payload state → count
		var before int64
		for {
			ps, err := db.Payloads(t.Context(), store.PayloadFilter{Provider: "generic", BeforeID: before, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				break
			}
			for _, p := range ps {
				states[string(p.State)]++
				if p.State == watchfire.PayloadProcessed {
					stored[p.EventKey]++
				}
			}
			before = ps[len(ps)-1].ID
		}
		events := map[string]int{} // component (= vendor event id) → events
		after := baseline
		for {
			evs, err := db.Events(t.Context(), watchfire.EventFilter{Provider: "generic", AfterID: after, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) == 0 {
				break
			}
			for _, e := range evs {
				events[e.ComponentName]++
			}
			after = evs[len(evs)-1].ID
		}
		var lost, twice, unapplied []string
		for _, id := range acked {
			switch {
			case stored[id] == 0:
				lost = append(lost, id)
			case stored[id] > 1:
				twice = append(twice, id)
			case events[id] != 1:
				unapplied = append(unapplied, fmt.Sprintf("%s (%d events)", id, events[id]))
			}
		}
		t.Logf("%d rounds: %d acknowledged; payloads by state %v", rounds, len(acked), states)
		if len(acked) == 0 {
			t.Fatal("no delivery was acknowledged: the test proves nothing")
		}
		if len(lost)+len(twice)+len(unapplied) > 0 || states["pending"]+states["failed"]+states["unparsed"] > 0 {
			t.Errorf("lost %d %.10v, stored twice %d %.10v, not applied once %d %.10v, states %v",
				len(lost), lost, len(twice), twice, len(unapplied), unapplied, states)
		}
	})
}
