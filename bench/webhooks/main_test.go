package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/store/postgres"
	"github.com/watchfire-status/watchfire/internal/store/sqlite"
)

func TestBuckets(t *testing.T) {
	prev := -1
	for _, v := range []int64{0, 1, 127, 128, 129, 255, 256, 1000, 123456, 1 << 30, 5e9, 1 << 62} {
		i := bucketOf(v)
		if i < 0 || i >= histBuckets {
			t.Fatalf("bucketOf(%d) = %d, out of range", v, i)
		}
		if i < prev {
			t.Fatalf("bucketOf(%d) = %d < %d: not monotonic", v, i, prev)
		}
		prev = i
		hi := bucketHigh(i)
		if hi < v {
			t.Fatalf("bucketHigh(bucketOf(%d)) = %d, below the value", v, hi)
		}
		if float64(hi-v) > float64(v)/64+1 {
			t.Fatalf("bucketHigh(bucketOf(%d)) = %d: more than 1/64 above", v, hi)
		}
		if i > 0 && bucketHigh(i-1) >= v {
			t.Fatalf("%d is also in bucket %d", v, i-1)
		}
	}
}

func TestQuantile(t *testing.T) {
	var h hist
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, time.Millisecond}} {
		got := h.quantile(c.q)
		if got < c.want || float64(got-c.want) > float64(c.want)/64 {
			t.Errorf("quantile(%g) = %s, want %s (within 1/64 above)", c.q, got, c.want)
		}
	}
	var empty hist
	if empty.quantile(0.99) != 0 {
		t.Error("empty histogram: want 0")
	}
}

func TestPayload(t *testing.T) {
	b := payload(nil, `{"id":"bench-abc-7-`, 123)
	var v map[string]string
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if v["id"] != "bench-abc-7-123" || v["component"] != "Component 23" || v["status"] != "degraded_performance" {
		t.Errorf("payload: %s", b)
	}
	if _, err := time.Parse(time.RFC3339, v["occurred_at"]); err != nil {
		t.Error(err)
	}
}

func TestWaitDrain(t *testing.T) {
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/payloads":
			if r.URL.Query().Get("state") != "pending" || r.Header.Get("Authorization") != "Bearer tok" {
				http.Error(w, "bad request", 400)
				return
			}
			if polls.Add(1) < 3 {
				_, _ = w.Write([]byte(`{"payloads":[{"id":1}]}`))
				return
			}
			_, _ = w.Write([]byte(`{"payloads":[]}`))
		case "/api/v1/events":
			if r.URL.Query().Get("provider") != "generic" {
				_, _ = w.Write([]byte(`{"events":[]}`))
				return
			}
			_, _ = w.Write([]byte(`{"events":[{"id":1}]}`))
		}
	}))
	defer srv.Close()
	d := waitDrain(context.Background(), srv.URL, "tok", time.Now(), time.Now())
	if !d.drained || !d.events || polls.Load() != 3 {
		t.Errorf("got %+v after %d polls", d, polls.Load())
	}

	missing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/events" {
			_, _ = w.Write([]byte(`{"events":[{"id":1}]}`))
			return
		}
		http.NotFound(w, r)
	}))
	defer missing.Close()
	d = waitDrain(context.Background(), missing.URL, "", time.Now(), time.Now())
	if d.drained || !strings.Contains(d.note, "404") || !d.events {
		t.Errorf("without the payloads endpoint: %+v", d)
	}
}

func TestParseStat(t *testing.T) {
	n, err := parseStat("123 (my (odd) name) S 1 2 3 4 5 6 7 8 9 10 40 2 0 0")
	if err != nil || n != 42 {
		t.Fatalf("got %d, %v", n, err)
	}
}

// payloadStore is what the counting tests need of either store.
type payloadStore interface {
	Migrate(context.Context) error
	AppendPayloads(context.Context, []*watchfire.Payload) error
	Close() error
}

func TestCountStoredSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "watchfire.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	testCountStored(t, db, "sqlite:"+path)
}

// TestCountStoredPostgres runs when $WATCHFIRE_TEST_POSTGRES names a
// database; it adds payloads to it.
func TestCountStoredPostgres(t *testing.T) {
	dsn := os.Getenv("WATCHFIRE_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("WATCHFIRE_TEST_POSTGRES is not set")
	}
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	testCountStored(t, db, dsn)
}

func testCountStored(t *testing.T, db payloadStore, dsn string) {
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var ps []*watchfire.Payload
	for _, prov := range []string{"generic", "generic", "atlassian"} {
		ps = append(ps, &watchfire.Payload{ReceivedAt: now, Source: watchfire.SourceWebhook, Provider: prov,
			ContentType: "application/json", Body: []byte(`{}`)})
	}
	if err := db.AppendPayloads(ctx, ps); err != nil {
		t.Fatal(err)
	}
	db.Close()
	got, err := countStored(ctx, dsn, now.Add(-time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["pending"] != 2 {
		t.Errorf("got %v, want 2 pending", got)
	}
}
