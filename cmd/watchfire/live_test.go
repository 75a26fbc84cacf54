package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// An admin PATCH of a component's status arrives on an open SSE stream, as
// the list shows it; stopping the server ends the stream at once.
func TestLiveUpdatesOverSSE(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, dsn func(*testing.T) string) {
		in := start(t, dsn(t), "")
		in.createToken("test")

		req, _ := http.NewRequest("GET", in.url+"/api/v1/events?page_id=acme", nil)
		req.Header.Set("Accept", "text/event-stream")
		resp, err := wireTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream: %d %v", resp.StatusCode, resp.Header)
		}
		type frame struct{ id, data string }
		frames := make(chan frame, 64)
		go func() {
			defer close(frames)
			sc := bufio.NewScanner(resp.Body)
			var f frame
			for sc.Scan() {
				line := sc.Text()
				switch {
				case line == "":
					if f.data != "" {
						frames <- f
					}
					f = frame{}
				case strings.HasPrefix(line, "id: "):
					f.id = strings.TrimPrefix(line, "id: ")
				case strings.HasPrefix(line, "data: "):
					f.data = strings.TrimPrefix(line, "data: ")
				}
			}
		}()

		sent := time.Now()
		in.mustDo(200, "PATCH", "/api/v1/components/api", map[string]any{"status": "major_outage"})
		var got frame
		for got.data == "" {
			select {
			case f, ok := <-frames:
				if !ok {
					t.Fatal("the stream ended")
				}
				var e map[string]any
				if err := json.Unmarshal([]byte(f.data), &e); err != nil {
					t.Fatalf("data %q: %v", f.data, err)
				}
				if e["kind"] == "component.status_changed" && e["component_id"] == "api" {
					if e["new_status"] != "major_outage" || e["old_status"] != "operational" || e["source"] != "api" {
						t.Fatalf("event %s", f.data)
					}
					got = f
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the status change did not arrive within 10s")
			}
		}
		t.Logf("status change on the stream %v after the PATCH was sent", time.Since(sent))
		list := in.do("GET", "/api/v1/events?limit=20", nil)
		var l struct{ Events []json.RawMessage }
		if err := json.Unmarshal(list.body, &l); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range l.Events {
			found = found || string(e) == got.data
		}
		if !found {
			t.Fatalf("event %s (id %s) is not in the list as such:\n%s", got.data, got.id, list.body)
		}

		stopped := time.Now()
		if err := in.stop(); err != nil {
			t.Fatalf("serve did not stop cleanly: %v", err)
		}
		if d := time.Since(stopped); d > 5*time.Second {
			t.Fatalf("stopping with a stream open took %v", d)
		}
		for range frames { // the stream ends with the server
		}
	})
}
