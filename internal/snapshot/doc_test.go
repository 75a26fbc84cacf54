package snapshot_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/watchfire-status/watchfire/internal/snapshot"
)

func TestDocETag(t *testing.T) {
	bodies := [][]byte{
		nil,
		[]byte(`{"status":"ok"}`),
		[]byte(`{"status":"ok"} `), // one byte more
		[]byte(`{"status":"OK"}`),  // one byte different
		bytes.Repeat([]byte("x"), 1<<16),
	}
	seen := map[string]int{}
	for i, body := range bodies {
		doc := snapshot.NewDoc(body, "application/json")
		again := snapshot.NewDoc(bytes.Clone(body), "text/plain")
		if doc.ETag != again.ETag {
			t.Errorf("body %d: ETags %s and %s for the same body", i, doc.ETag, again.ETag)
		}
		if j, dup := seen[doc.ETag]; dup {
			t.Errorf("bodies %d and %d share the ETag %s", j, i, doc.ETag)
		}
		seen[doc.ETag] = i
		// A strong validator is a quoted opaque string: no W/ prefix.
		if len(doc.ETag) < 3 || !strings.HasPrefix(doc.ETag, `"`) || !strings.HasSuffix(doc.ETag, `"`) ||
			strings.Count(doc.ETag, `"`) != 2 {
			t.Errorf("body %d: ETag %q is not a strong, quoted validator", i, doc.ETag)
		}
		gz := doc.GzipETag()
		if gz == doc.ETag || !strings.HasPrefix(gz, `"`) || !strings.HasSuffix(gz, `"`) || strings.Count(gz, `"`) != 2 {
			t.Errorf("body %d: GzipETag %q must be a different quoted validator than %q", i, gz, doc.ETag)
		}
		if _, dup := seen[gz]; dup {
			t.Errorf("body %d: GzipETag %q equals another document's ETag", i, gz)
		}
		if doc.ContentType != "application/json" || !bytes.Equal(doc.Body, body) {
			t.Errorf("body %d: NewDoc changed the body or the content type", i)
		}
	}
}

// TestDocETagsDiffer checks many similar bodies: a validator too short to
// tell them apart would collide.
func TestDocETagsDiffer(t *testing.T) {
	seen := map[string]int{}
	for i := range 2000 {
		etag := snapshot.NewDoc(fmt.Appendf(nil, `{"n":%d}`, i), "application/json").ETag
		if j, dup := seen[etag]; dup {
			t.Fatalf("bodies %d and %d share the ETag %s", j, i, etag)
		}
		seen[etag] = i
	}
}

func TestDocGzip(t *testing.T) {
	for _, body := range []string{"", `{"page":{"id":"main"}}`, strings.Repeat(`{"status":"operational"},`, 2000)} {
		doc := snapshot.NewDoc([]byte(body), "application/json")
		gz := doc.Gzip()
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatalf("Gzip() is not a gzip stream: %v", err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("reading Gzip(): %v", err)
		}
		if string(plain) != body {
			t.Errorf("Gzip() decompresses to %d bytes, want the %d of the body", len(plain), len(body))
		}
		if len(body) > 1000 && len(gz) > len(body)/10 {
			t.Errorf("Gzip() of a repetitive %d-byte body is %d bytes", len(body), len(gz))
		}
		// Computed once: every later call returns the same bytes.
		if again := doc.Gzip(); len(again) != len(gz) || &again[0] != &gz[0] {
			t.Error("a second Gzip() call compressed again instead of returning the first result")
		}
	}
}

// TestDocGzipConcurrent asks many readers for the compressed body at once,
// as concurrent requests do; run with -race.
func TestDocGzipConcurrent(t *testing.T) {
	doc := snapshot.NewDoc(bytes.Repeat([]byte("status "), 10000), "application/json")
	results := make([][]byte, 16)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = doc.Gzip() })
	}
	wg.Wait()
	for i, r := range results {
		if len(r) == 0 || &r[0] != &results[0][0] {
			t.Errorf("reader %d got a different compressed body", i)
		}
	}
}
