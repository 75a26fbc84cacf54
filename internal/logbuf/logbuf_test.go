package logbuf

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	n  int // writes
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestBatchesAndFlushesOnInterval(t *testing.T) {
	var out syncBuffer
	w := New(&out, 4096, 20*time.Millisecond)
	defer w.Close()
	for i := 0; i < 100; i++ {
		if _, err := w.Write([]byte("line\n")); err != nil {
			t.Fatal(err)
		}
	}
	if out.String() != "" {
		t.Fatal("lines reached the output before a flush")
	}
	deadline := time.Now().Add(2 * time.Second)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := strings.Count(out.String(), "line\n"); got != 100 {
		t.Fatalf("flushed %d lines, want 100", got)
	}
	if out.n != 1 {
		t.Fatalf("%d writes to the output, want 1 batch", out.n)
	}
}

func TestCloseFlushesAndNeverSplitsALine(t *testing.T) {
	var out syncBuffer
	w := New(&out, 16, time.Hour)
	for _, l := range []string{"aaaaaaaaa\n", "bbbbbbbbb\n", "ccccccccc\n"} {
		if _, err := w.Write([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // twice is safe
		t.Fatal(err)
	}
	if got := out.String(); got != "aaaaaaaaa\nbbbbbbbbb\nccccccccc\n" {
		t.Fatalf("output = %q", got)
	}
}
